import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { failuresOperation } from "../shared/admin/api/read.js";

/** Failed accounts grouped by class and reason (reader). */
app.http("ops-failures", {
  route: `${ADMIN_ROUTE_PREFIX}/failures`,
  methods: ["GET"],
  authLevel: "function",
  handler: adminHandler(failuresOperation),
});
