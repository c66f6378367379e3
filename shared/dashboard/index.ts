/**
 * The operator dashboard: a page served by the Function App (same sign-in and roles as the admin
 * API), built on the admin API's JSON plus the time series and alerts in `dash/data`.
 */
export * from "./errors.js";
export { ASSETS, readAsset, type Asset } from "./assets.js";
export { activitySeries, bucketSeries, type Series, type SeriesPoint, type SeriesRequest } from "./series.js";
export {
  dashboardData,
  RECENT_ALERTS_MS,
  type AlertView,
  type DashboardData,
  type DashboardPorts,
  type DashboardQuery,
} from "./data.js";
export {
  KEY_QUERY_MARK,
  serveAsset,
  serveData,
  servePage,
  type DashboardRequest,
  type DashboardResponse,
} from "./http.js";
export { DASHBOARD_ROUTE, dashboardUrl } from "./url.js";
