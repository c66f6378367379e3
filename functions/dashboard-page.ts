import { app } from "./app.js";
import { dashboardLogger, dashboardRequest, toHttpResponse } from "./dashboard-http.js";
import { DASHBOARD_ROUTE, servePage } from "../shared/dashboard/index.js";

/** The operator dashboard's page (reader). */
app.http("dashboard-page", {
  route: DASHBOARD_ROUTE,
  methods: ["GET"],
  authLevel: "function",
  handler: async (request, context) =>
    toHttpResponse(await servePage(dashboardRequest(request), dashboardLogger(context))),
});
