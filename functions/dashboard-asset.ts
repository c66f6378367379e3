import { app } from "./app.js";
import { dashboardLogger, dashboardRequest, toHttpResponse } from "./dashboard-http.js";
import { DASHBOARD_ROUTE, serveAsset } from "../shared/dashboard/index.js";

/** The dashboard page's scripts and styles, the charting library included (reader). */
app.http("dashboard-asset", {
  route: `${DASHBOARD_ROUTE}/assets/{name}`,
  methods: ["GET"],
  authLevel: "function",
  handler: async (request, context) =>
    toHttpResponse(
      await serveAsset(dashboardRequest(request), request.params.name ?? "", dashboardLogger(context)),
    ),
});
