import { InMemoryActivityLog } from "../../../shared/activity/memory.js";
import { activityLogContract } from "../../contract/activity-log.contract.js";

activityLogContract("in-memory fake", () => Promise.resolve(new InMemoryActivityLog()));
