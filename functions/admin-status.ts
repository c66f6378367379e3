import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { statusOperation } from "../shared/admin/api/read.js";

/** Status of every wave: counts, pace, failure rate, ETAs (reader). */
app.http("ops-status", {
  route: `${ADMIN_ROUTE_PREFIX}/status`,
  methods: ["GET"],
  authLevel: "function",
  handler: adminHandler(statusOperation),
});
