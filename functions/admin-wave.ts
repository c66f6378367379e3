import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { waveOperation } from "../shared/admin/api/change.js";

/** Pause, resume, cancel or complete a wave (operator). */
app.http("ops-wave", {
  route: `${ADMIN_ROUTE_PREFIX}/waves/{waveId}/{operation}`,
  methods: ["POST"],
  authLevel: "function",
  handler: adminHandler(waveOperation),
});
