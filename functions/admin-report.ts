import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { reportOperation } from "../shared/admin/api/read.js";

/** A wave's accounts as CSV (reader). */
app.http("ops-report", {
  route: `${ADMIN_ROUTE_PREFIX}/waves/{waveId}/report`,
  methods: ["GET"],
  authLevel: "function",
  handler: adminHandler(reportOperation),
});
