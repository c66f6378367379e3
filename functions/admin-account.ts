import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { accountOperation } from "../shared/admin/api/read.js";

/** One account: state, progress, bad items, history (reader). */
app.http("ops-account", {
  route: `${ADMIN_ROUTE_PREFIX}/accounts/{accountId}`,
  methods: ["GET"],
  authLevel: "function",
  handler: adminHandler(accountOperation),
});
