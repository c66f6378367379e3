import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { usersOperation } from "../shared/admin/api/read.js";

/** A wave's accounts with their per-user statistics, filtered, sorted and paged (reader). */
app.http("ops-users", {
  route: `${ADMIN_ROUTE_PREFIX}/waves/{waveId}/users`,
  methods: ["GET"],
  authLevel: "function",
  handler: adminHandler(usersOperation),
});
