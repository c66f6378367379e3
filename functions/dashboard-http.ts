/**
 * Adapts the dashboard's answers (shared/dashboard) to Azure Functions HTTP triggers.
 */
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { DashboardRequest, DashboardResponse } from "../shared/dashboard/index.js";
import { readPlatformSettings } from "../shared/config/platform.js";
import { createLogger, type Logger } from "../shared/telemetry/logger.js";

/** The request as the dashboard reads it. */
export function dashboardRequest(request: HttpRequest): DashboardRequest {
  const query: Record<string, string> = {};
  request.query.forEach((value, name) => {
    query[name] = value;
  });
  return {
    query,
    url: request.url,
    header: (name) => request.headers.get(name),
    authenticationEnabled: readPlatformSettings(process.env).authenticationEnabled,
  };
}

/** A logger naming the invocation. */
export function dashboardLogger(context: InvocationContext): Logger {
  return createLogger({
    fields: {
      component: "dashboard",
      functionName: context.functionName,
      invocationId: context.invocationId,
    },
  });
}

/** The answer as the Functions host takes it. */
export function toHttpResponse(response: DashboardResponse): HttpResponseInit {
  return {
    status: response.status,
    ...(response.jsonBody !== undefined ? { jsonBody: response.jsonBody } : {}),
    ...(response.body !== undefined ? { body: response.body } : {}),
    ...(response.headers !== undefined ? { headers: response.headers } : {}),
  };
}
