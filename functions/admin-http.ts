/**
 * Adapts the admin API (shared/admin/api) to Azure Functions HTTP triggers. Routes live under
 * `ops/` because the Functions host reserves routes that start with `admin`.
 */
import type { HttpHandler, HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { AdminOperation } from "../shared/admin/api/http.js";
import { serveAdmin } from "../shared/admin/api/http.js";
import { services } from "./app.js";
import { readPlatformSettings } from "../shared/config/platform.js";
import { createLogger } from "../shared/telemetry/logger.js";

/** The route prefix of every admin function. */
export const ADMIN_ROUTE_PREFIX = "ops";

/** An HTTP handler serving one admin operation with the app's services. */
export function adminHandler(operation: AdminOperation): HttpHandler {
  return async (request: HttpRequest, context: InvocationContext): Promise<HttpResponseInit> => {
    const query: Record<string, string> = {};
    request.query.forEach((value, name) => {
      query[name] = value;
    });
    const response = await serveAdmin(
      operation,
      {
        method: request.method,
        url: request.url,
        query,
        params: request.params,
        header: (name) => request.headers.get(name),
        text: () => request.text(),
        authenticationEnabled: readPlatformSettings(process.env).authenticationEnabled,
      },
      services,
      createLogger({
        fields: {
          component: "admin-api",
          functionName: context.functionName,
          invocationId: context.invocationId,
        },
      }),
    );
    return {
      status: response.status,
      ...(response.jsonBody !== undefined ? { jsonBody: response.jsonBody } : {}),
      ...(response.body !== undefined ? { body: response.body } : {}),
      ...(response.headers !== undefined ? { headers: response.headers } : {}),
    };
  };
}
