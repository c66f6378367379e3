import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { replayOperation } from "../shared/admin/api/change.js";

/** Replay of dead-lettered messages (operator). */
app.http("ops-replay", {
  route: `${ADMIN_ROUTE_PREFIX}/deadletters/replay`,
  methods: ["POST"],
  authLevel: "function",
  handler: adminHandler(replayOperation),
});
