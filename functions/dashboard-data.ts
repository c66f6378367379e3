import { app, services } from "./app.js";
import { dashboardLogger, dashboardRequest, toHttpResponse } from "./dashboard-http.js";
import { DASHBOARD_ROUTE, serveData } from "../shared/dashboard/index.js";

/** The dashboard's time series, alert thresholds and alerts, and what the viewer may do (reader). */
app.http("dashboard-data", {
  route: `${DASHBOARD_ROUTE}/data`,
  methods: ["GET"],
  authLevel: "function",
  handler: async (request, context) =>
    toHttpResponse(await serveData(dashboardRequest(request), services, dashboardLogger(context))),
});
