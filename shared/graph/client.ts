/**
 * The Graph client factory, used by production code and tests alike: the official
 * @microsoft/microsoft-graph-client with a TokenCredential from @azure/identity, sending through
 * undici with an agent that trusts an extra CA when one is configured (the local simulator).
 */
import {
  AuthenticationHandler,
  Client,
  type Context,
  type Middleware,
  RetryHandler,
  RetryHandlerOptions,
  TelemetryHandler,
} from "@microsoft/microsoft-graph-client";
import { TokenCredentialAuthenticationProvider } from "@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js";
import type { TokenCredential } from "@azure/identity";
import { Agent, type Dispatcher, fetch as undiciFetch } from "undici";
import { type GraphConnection, createGraphCredential, trustingSecureContext } from "./credentials.js";
import { reusingTokens } from "./token-reuse.js";
import { GraphConnectionError } from "./errors.js";

export { createGraphCredential, type GraphConnection } from "./credentials.js";
export { GraphConnectionError } from "./errors.js";

export interface GraphClientOptions {
  version?: "v1.0" | "beta";
  /**
   * Retries the SDK makes on 429/503/504 before giving up (default 0): callers throttle and
   * reschedule themselves rather than sleep inside a time-boxed invocation.
   */
  maxRetries?: number;
  /** A credential to reuse (one per app keeps one token cache); made from the connection otherwise. */
  credential?: TokenCredential;
  /** How long one request may take, answer included (default DEFAULT_GRAPH_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

/**
 * The longest a Graph request may take unless told otherwise: undici's own limits (300 s for the
 * headers, 300 s between body chunks) would let one hung request hold a slice for minutes.
 */
export const DEFAULT_GRAPH_REQUEST_TIMEOUT_MS = 120_000;

/**
 * The request timeout for slices of `sliceMs`: half a slice, so one hung request costs at most
 * half of one, within 5 s (shorter would fail healthy requests on a busy machine) and 120 s.
 */
export function graphRequestTimeoutMs(sliceMs: number): number {
  return Math.min(DEFAULT_GRAPH_REQUEST_TIMEOUT_MS, Math.max(5_000, Math.floor(sliceMs / 2)));
}

/** The caller's signal, if any, together with the request's own deadline. */
function withDeadline(signal: AbortSignal | null | undefined, timeoutMs: number): AbortSignal {
  const deadline = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, deadline]) : deadline;
}

const dispatchers = new Map<string, Dispatcher>();

/** The undici dispatcher for a connection: one keep-alive agent per extra CA (or none). */
export function graphDispatcher(connection: Pick<GraphConnection, "caCertPem">): Dispatcher {
  const key = connection.caCertPem ?? "";
  let dispatcher = dispatchers.get(key);
  if (!dispatcher) {
    dispatcher = new Agent(
      connection.caCertPem ? { connect: { secureContext: trustingSecureContext(connection.caCertPem) } } : {},
    );
    dispatchers.set(key, dispatcher);
  }
  return dispatcher;
}

/** The token scope for a Graph host: `https://graph.microsoft.com/.default` for the public cloud. */
export function graphScope(baseUrl: string): string {
  return `${graphOrigin(baseUrl)}/.default`;
}

function graphOrigin(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch (error) {
    throw new GraphConnectionError(`the Graph base URL ${JSON.stringify(baseUrl)} is not a URL`, {
      cause: error,
    });
  }
  if (url.protocol !== "https:") throw new GraphConnectionError("the Graph base URL must use https");
  return url.origin;
}

/** Redirects followed for one request. */
const MAX_REDIRECTS = 3;

/**
 * Where a redirect may be followed: an expanded archive folder answers 308 with the same path
 * under the auxiliary archive's mailbox id (concepts/handle-archive-mailbox-redirects.md). Only
 * 307/308 (the method and body stay), only to the same Graph host, and only into the mailbox API:
 * the request carries the bearer token.
 */
export function mailboxRedirect(status: number, location: string | null, from: string): string | undefined {
  if ((status !== 307 && status !== 308) || !location) return undefined;
  let url: URL;
  try {
    url = new URL(location, from);
  } catch {
    return undefined;
  }
  if (url.origin !== new URL(from).origin) return undefined;
  if (!/^\/(v1\.0|beta)\/admin\/exchange\/mailboxes\//i.test(url.pathname)) return undefined;
  return url.toString();
}

/** Statuses whose answers carry no body (a Response refuses one). */
const BODILESS_STATUSES: ReadonlySet<number> = new Set([101, 204, 205, 304]);

/**
 * Last link of the middleware chain: sends the request through undici with our dispatcher, under
 * one deadline for every hop and the answer's body. No redirect is followed silently; an archive
 * redirect is followed here after checking where it leads (mailboxRedirect), any other comes back
 * as the answer.
 */
class UndiciFetchHandler implements Middleware {
  constructor(
    private readonly dispatcher: Dispatcher,
    private readonly timeoutMs: number,
  ) {}

  async execute(context: Context): Promise<void> {
    // The SDK passes a URL string; the declared type also allows a Request.
    const request: unknown = context.request;
    let url = typeof request === "string" ? request : (request as Request).url;
    const options = context.options ?? {};
    const signal = withDeadline(options.signal, this.timeoutMs);
    for (let hop = 0; ; hop += 1) {
      const response = await undiciFetch(url, {
        method: options.method ?? "GET",
        headers: options.headers as Record<string, string> | undefined,
        body: options.body as string | Uint8Array | null | undefined,
        redirect: "manual",
        signal,
        dispatcher: this.dispatcher,
      });
      const next =
        hop < MAX_REDIRECTS
          ? mailboxRedirect(response.status, response.headers.get("location"), url)
          : undefined;
      if (next === undefined) {
        // The body is read here, under the same deadline: one that stalls is an exchange that got
        // no answer (a network failure), not a 200 whose JSON failed to parse.
        const body = await response.arrayBuffer();
        context.response = new Response(BODILESS_STATUSES.has(response.status) ? null : body, {
          status: response.status,
          statusText: response.statusText,
          headers: [...response.headers],
        });
        return;
      }
      await response.body?.cancel();
      url = next;
    }
  }
}

/**
 * A Graph client for the connection. The base URL and its host are registered (`customHosts`) so
 * the SDK attaches tokens to a non-Microsoft host such as the simulator's.
 */
export function createGraphClient(connection: GraphConnection, options: GraphClientOptions = {}): Client {
  const origin = graphOrigin(connection.baseUrl);
  const credential = reusingTokens(options.credential ?? createGraphCredential(connection));
  const authProvider = new TokenCredentialAuthenticationProvider(credential, {
    scopes: [graphScope(origin)],
  });
  const authentication = new AuthenticationHandler(authProvider);
  const retry = new RetryHandler(new RetryHandlerOptions(undefined, options.maxRetries ?? 0));
  const telemetry = new TelemetryHandler();
  const transport = new UndiciFetchHandler(
    graphDispatcher(connection),
    options.requestTimeoutMs ?? DEFAULT_GRAPH_REQUEST_TIMEOUT_MS,
  );
  authentication.setNext(retry);
  retry.setNext(telemetry);
  telemetry.setNext(transport);
  return Client.initWithMiddleware({
    baseUrl: origin,
    defaultVersion: options.version ?? "v1.0",
    customHosts: new Set([new URL(origin).hostname]),
    middleware: authentication,
  });
}

/** The answer of a plain HTTPS call (import URLs are not Graph URLs and carry their own credential). */
export interface PlainResponse {
  status: number;
  text: string;
  headers: Headers;
}

/**
 * Posts a JSON body to a pre-authenticated URL (an import session's `importUrl`) through the same
 * trusted transport, without an Authorization header.
 */
export function createImportPoster(
  connection: Pick<GraphConnection, "caCertPem">,
  options: Pick<GraphClientOptions, "requestTimeoutMs"> = {},
): (url: string, body: string) => Promise<PlainResponse> {
  const dispatcher = graphDispatcher(connection);
  const timeoutMs = options.requestTimeoutMs ?? DEFAULT_GRAPH_REQUEST_TIMEOUT_MS;
  return async (url, body) => {
    const response = await undiciFetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
      dispatcher,
      signal: withDeadline(undefined, timeoutMs),
    });
    return {
      status: response.status,
      text: await response.text(),
      headers: response.headers as unknown as Headers,
    };
  };
}

/** Closes the shared transports (for tests and clean shutdown of a process). */
export async function closeGraphTransports(): Promise<void> {
  const all = [...dispatchers.values()];
  dispatchers.clear();
  await Promise.all(all.map((dispatcher) => dispatcher.close()));
}
