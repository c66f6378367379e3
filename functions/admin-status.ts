import { defineHttp, register } from "./definition.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { statusOperation } from "../shared/admin/api/read.js";

/** Status of every wave: counts, pace, failure rate, ETAs (reader). */
export const adminStatusFunction = register(
  defineHttp("ops-status", {
    route: `${ADMIN_ROUTE_PREFIX}/status`,
    methods: ["GET"],
    authLevel: "function",
    handler: adminHandler(statusOperation),
  }),
);
