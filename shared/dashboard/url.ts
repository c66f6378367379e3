/** The route of the dashboard page, under the Functions host's `/api`. */
export const DASHBOARD_ROUTE = "dash";

/**
 * The address a person opens to see the dashboard: the page, with the function key in the query
 * (the page passes it on to every call it makes).
 */
export function dashboardUrl(apiBaseUrl: string, functionKey: string): string {
  const base = apiBaseUrl.replace(/\/+$/, "");
  return `${base}/${DASHBOARD_ROUTE}?code=${encodeURIComponent(functionKey)}`;
}
