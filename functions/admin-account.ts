import { defineHttp, register } from "./definition.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { accountOperation } from "../shared/admin/api/read.js";

/** One account: state, progress, bad items, history (reader). */
export const adminAccountFunction = register(
  defineHttp("ops-account", {
    route: `${ADMIN_ROUTE_PREFIX}/accounts/{accountId}`,
    methods: ["GET"],
    authLevel: "function",
    handler: adminHandler(accountOperation),
  }),
);
