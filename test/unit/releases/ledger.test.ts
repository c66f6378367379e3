import { InMemoryReleaseLedger } from "../../../shared/releases/ledger.js";
import { releaseLedgerContract } from "../../contract/release-ledger.contract.js";

releaseLedgerContract("in-memory fake", () => Promise.resolve(new InMemoryReleaseLedger()));
