import { InMemoryOperatorActionLog } from "../../../shared/admin/actions/memory.js";
import { operatorActionLogContract } from "../../contract/operator-action-log.contract.js";

operatorActionLogContract("in-memory fake", () => Promise.resolve(new InMemoryOperatorActionLog()));
