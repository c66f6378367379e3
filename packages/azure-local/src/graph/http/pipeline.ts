/**
 * What happens to every Graph call after authentication, in Graph's order: route, permission,
 * injected fault, throttling per app per mailbox, latency, handler, counters.
 */
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import type { AppRegistration } from "../../authority/apps.js";
import { GraphApiError } from "../errors.js";
import type { Mailbox } from "../model/types.js";
import type { SimulatorState } from "../state.js";
import { waitLatency } from "../throttle/faults.js";
import { errorResponse } from "./respond.js";
import type { Router } from "./router.js";
import type { GraphRequest, GraphResponse, RouteContext } from "./types.js";

/** The connection is to be destroyed without a response. */
export const RESET = Symbol("reset");
export type Outcome = GraphResponse | typeof RESET;

const THROTTLE_MESSAGES = {
  concurrency: "The application is over its limit of concurrent requests to this mailbox.",
  requests: "The application is over its limit of requests to this mailbox for the current window.",
  uploads: "The application is over its limit of uploaded bytes to this mailbox for the current window.",
} as const;

/** Converts a thrown GraphApiError into its response; rethrows anything else. */
export function asErrorResponse(
  error: unknown,
  ids: { requestId: string; clientRequestId: string },
): GraphResponse {
  if (error instanceof GraphApiError) {
    // A redirect (an expanded archive folder's 308) has a Location and no body.
    if (error.status >= 300 && error.status < 400) return { status: error.status, headers: error.headers };
    return errorResponse(error.status, error.code, error.message, ids, error.headers);
  }
  throw error;
}

/** The response with its body serialised once, for latency, counters and the wire. */
export function serialised(response: GraphResponse): GraphResponse {
  if (response.text !== undefined || response.body === undefined) return response;
  return { ...response, text: JSON.stringify(response.body) };
}

export interface GuardOptions {
  readonly app: AppRegistration;
  readonly mailbox: Mailbox | undefined;
  readonly bodyBytes: number;
  /** Resets and slow responses make sense only for a whole HTTP exchange, not a $batch part. */
  readonly transportFaults: boolean;
  readonly ids: { requestId: string; clientRequestId: string };
}

/**
 * Runs `handler` under fault injection, throttling and latency. Everything before the admission
 * decision is synchronous, so the parts of a $batch compete for the concurrency limit the way
 * parallel requests do.
 */
export function guarded(
  state: SimulatorState,
  options: GuardOptions,
  handler: () => GraphResponse | Promise<GraphResponse>,
): Promise<Outcome> {
  const { mailbox, ids } = options;
  const fault = state.faults.draw();
  if (fault === "status500" || fault === "status503" || fault === "status504") {
    state.counters.fault(mailbox);
    const status = Number(fault.slice("status".length));
    const [code, message] =
      status === 500
        ? ["InternalServerError", "An internal server error occurred."]
        : status === 503
          ? ["ServiceUnavailable", "The service is temporarily unavailable."]
          : ["GatewayTimeout", "The upstream service did not respond in time."];
    return Promise.resolve(
      errorResponse(status, code, message, ids, status === 503 ? { "Retry-After": "1" } : {}),
    );
  }
  if (fault === "reset" && options.transportFaults) {
    state.counters.fault(mailbox);
    return Promise.resolve(RESET);
  }
  let release = (): void => undefined;
  if (mailbox) {
    const admission = state.throttle.admit(
      `${options.app.clientId}|${mailbox.id}`,
      Date.now(),
      options.bodyBytes,
    );
    if (!admission.ok) {
      state.counters.throttled(mailbox, admission.reason);
      return Promise.resolve(
        errorResponse(429, "TooManyRequests", THROTTLE_MESSAGES[admission.reason], ids, {
          "Retry-After": String(admission.retryAfterSeconds),
        }),
      );
    }
    release = admission.release;
  }
  const slow = fault === "slow" && options.transportFaults;
  return (async (): Promise<Outcome> => {
    try {
      // A request holds its concurrency slot at least until the next turn of the event loop.
      await nextTurn();
      await waitLatency(state.latency, options.bodyBytes, true);
      if (slow) {
        state.counters.fault(mailbox);
        await sleep(state.faults.options.slowMs);
      }
      let response: GraphResponse;
      try {
        response = await handler();
      } catch (error) {
        response = asErrorResponse(error, ids);
      }
      response = serialised(response);
      const downloaded = response.text === undefined ? 0 : Buffer.byteLength(response.text);
      await waitLatency(state.latency, downloaded, false);
      state.counters.request(mailbox, options.bodyBytes, downloaded);
      if (fault === "lostResponse" && options.transportFaults) {
        state.counters.fault(mailbox);
        return RESET;
      }
      return response;
    } finally {
      release();
    }
  })();
}

/** Routes an authenticated Graph call and runs it through the guard. */
export function dispatchGraph(
  state: SimulatorState,
  router: Router,
  request: GraphRequest,
  transportFaults: boolean,
): Promise<Outcome> {
  const ids = { requestId: request.requestId, clientRequestId: request.clientRequestId };
  // Held against Microsoft's metadata before anything else: what it lacks, Graph refuses.
  const surface = state.surface.check(request);
  if (surface.kind === "refused") {
    const { refusal } = surface;
    state.recorder.refuse({
      version: request.version,
      method: request.method,
      path: request.path,
      status: refusal.status,
      reason: refusal.message,
    });
    return Promise.resolve(errorResponse(refusal.status, refusal.code, refusal.message, ids));
  }
  const operation = surface.operation;
  state.recorder.count(`${request.version} ${operation.id}`);
  const match = router.match(request.method, request.version, request.path);
  if (match.kind === "notFound") {
    const segment = request.path.split("/").filter(Boolean).pop() ?? "";
    return Promise.resolve(
      errorResponse(400, "BadRequest", `Resource not found for the segment '${segment}'.`, ids),
    );
  }
  if (match.kind === "methodNotAllowed") {
    return Promise.resolve(
      errorResponse(
        405,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request target.",
        ids,
      ),
    );
  }
  const { route, params } = match;
  const { principal } = request;
  if (route.permissions.length > 0 && !route.permissions.some((role) => principal.roles.has(role))) {
    return Promise.resolve(
      errorResponse(
        403,
        route.deniedCode ?? "Authorization_RequestDenied",
        "Insufficient privileges to complete the operation.",
        ids,
      ),
    );
  }
  const tenant =
    principal.tenantId === state.tenants.source.tenantId ? state.tenants.source : state.tenants.target;
  const context: RouteContext = { state, request, params, tenant };
  let mailbox: Mailbox | undefined;
  try {
    mailbox = route.mailbox?.(context);
  } catch (error) {
    return Promise.resolve(asErrorResponse(error, ids));
  }
  return guarded(
    state,
    { app: principal.app, mailbox, bodyBytes: request.bodyBytes, transportFaults, ids },
    async () => {
      const response = await route.handle({ ...context, mailbox });
      // Only what the metadata describes goes back, whatever the handler put in.
      return response.status < 300 && response.body !== undefined
        ? {
            ...response,
            body: state.surface.shape(
              operation,
              request.version,
              response.body,
              expandedNames(request.query),
            ),
          }
        : response;
    },
  );
}

/** The top-level navigation properties a request's `$expand` names, e.g. `singleValueExtendedProperties`. */
function expandedNames(query: URLSearchParams): string[] {
  const expand = [...query.entries()].find(([name]) => name.toLowerCase() === "$expand")?.[1];
  if (expand === undefined) return [];
  // Only the names at the top level: commas inside an expansion's own options do not split it.
  const names: string[] = [];
  let depth = 0;
  let current = "";
  for (const char of expand) {
    if (char === "(") depth += 1;
    if (char === ")") depth -= 1;
    if (char === "," && depth === 0) {
      names.push(current);
      current = "";
    } else if (depth === 0 && char !== ")") current += char;
  }
  names.push(current);
  return names.map((name) => name.trim()).filter(Boolean);
}
