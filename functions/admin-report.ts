import { defineHttp, register } from "./definition.js";
import { adminHandler, ADMIN_ROUTE_PREFIX } from "./admin-http.js";
import { reportOperation } from "../shared/admin/api/read.js";

/** A wave's accounts as CSV (reader). */
export const adminReportFunction = register(
  defineHttp("ops-report", {
    route: `${ADMIN_ROUTE_PREFIX}/waves/{waveId}/report`,
    methods: ["GET"],
    authLevel: "function",
    handler: adminHandler(reportOperation),
  }),
);
