import { InMemoryAlertStateStore } from "../../../shared/alerts/state/memory.js";
import { alertStateStoreContract } from "../../contract/alert-state-store.contract.js";

alertStateStoreContract("in-memory fake", () => Promise.resolve(new InMemoryAlertStateStore()));
