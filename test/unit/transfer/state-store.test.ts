import { InMemoryTransferState } from "../../../shared/transfer/state/memory.js";
import { transferStateContract } from "../../contract/transfer-state.contract.js";

transferStateContract("in-memory fake", () => Promise.resolve(new InMemoryTransferState()));
