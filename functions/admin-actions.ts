import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { actionsOperation } from "../shared/admin/api/read.js";

/** The latest operator actions (reader). */
app.http("ops-actions", {
  route: `${ADMIN_ROUTE_PREFIX}/actions`,
  methods: ["GET"],
  authLevel: "function",
  handler: adminHandler(actionsOperation),
});
