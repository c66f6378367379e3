import { app } from "./app.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { accountCompleteOperation } from "../shared/admin/api/change.js";

/** Complete one account now, or after a time (operator). */
app.http("ops-account-complete", {
  route: `${ADMIN_ROUTE_PREFIX}/accounts/{accountId}/complete`,
  methods: ["POST"],
  authLevel: "function",
  handler: adminHandler(accountCompleteOperation),
});
