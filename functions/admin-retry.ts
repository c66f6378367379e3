import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { retryOperation } from "../shared/admin/api/change.js";

/** Retry of Failed accounts as a new attempt (operator). */
app.http("ops-retry", {
  route: `${ADMIN_ROUTE_PREFIX}/retry`,
  methods: ["POST"],
  authLevel: "function",
  handler: adminHandler(retryOperation),
});
