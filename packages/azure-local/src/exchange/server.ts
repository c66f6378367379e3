/**
 * The HTTPS front door of the simulated Exchange Online: the token authority, the admin REST
 * endpoint (`POST /adminapi/beta/{tenant}/InvokeCommand`, results in `value`, paged with
 * `@odata.nextLink`), and the simulator's own control routes under `/_exchange/` (loopback only,
 * no token). The admin endpoint checks the bearer token (audience outlook.office365.com, the
 * Exchange.ManageAsApp role, the tenant), wants an X-AnchorMailbox header, and limits the requests
 * a tenant may have in flight, refusing more as Exchange Online does.
 */
import { createHash, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import type { AppDirectory } from "../authority/apps.js";
import { type Authority, authorityRoute } from "../authority/endpoints.js";
import type { TokenService } from "../authority/tokens.js";
import type { Random } from "../graph/random.js";
import { readBody } from "../http/body.js";
import type { Logger } from "../logger.js";
import { type OnPremAdministrator, runCmdlet } from "./cmdlets/index.js";
import { CmdletError } from "./errors.js";
import type { Organisation } from "./model.js";
import type { MailboxReplicationService } from "./mrs.js";
import type { HttpFaultOptions } from "./options.js";

/** The application permission Exchange Online's admin API requires (Office 365 Exchange Online). */
export const MANAGE_AS_APP = "Exchange.ManageAsApp";

export const CONTROL_PREFIX = "/_exchange/";
export const CONCURRENCY_REFUSAL =
  "You have reached the maximum number of concurrent requests per tenant. Please wait and try again.";
const MAX_BODY_BYTES = 64 * 1024 * 1024;
const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_RESULT_SIZE = 1000;
const INVOKE_PATH = /^\/adminapi\/beta\/([^/]+)\/InvokeCommand$/i;
const ANCHOR = /^(APP|UPN|SMTP|Oid):\S+$/i;

export interface ExchangeCounters {
  requests: number;
  /** Answered 429 because the tenant had too many requests in flight. */
  concurrencyRefused: number;
  throttled: number;
  faults: number;
  maxInFlight: number;
  byCmdlet: Record<string, number>;
  /** How many times a move was created for each user (a retry after removal counts again). */
  moveCreations: Record<string, number>;
}

export function emptyCounters(): ExchangeCounters {
  return {
    requests: 0,
    concurrencyRefused: 0,
    throttled: 0,
    faults: 0,
    maxInFlight: 0,
    byCmdlet: {},
    moveCreations: {},
  };
}

export interface ServerState {
  readonly baseUrl: string;
  readonly org: Organisation;
  readonly mrs: MailboxReplicationService;
  readonly apps: AppDirectory;
  readonly tokens: TokenService;
  readonly random: Random;
  readonly administrator: OnPremAdministrator;
  readonly tokenLifetimeSeconds: number;
  readonly logger: Logger;
  faults: HttpFaultOptions;
  counters: ExchangeCounters;
  inFlight: number;
  now(): number;
  /** The control routes (inspection, faults, fixes); undefined when the path is not one. */
  control(method: string, path: string, query: URLSearchParams, body: unknown): unknown;
}

interface Answer {
  readonly status: number;
  readonly body?: unknown;
  readonly text?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return { status, body, headers };
}

/** Exchange's error body: details[0].message is `<code>|<exception type>|<message>`. */
export function cmdletErrorAnswer(error: CmdletError): Answer {
  const code = `Ex${createHash("sha1").update(error.exceptionType).digest("hex").slice(0, 6).toUpperCase()}`;
  return json(error.status, {
    error: {
      code: error.status === 404 ? "NotFound" : error.status >= 500 ? "InternalServerError" : "BadRequest",
      message: error.message,
      details: [{ code: "Error", target: "", message: `${code}|${error.exceptionType}|${error.message}` }],
      innererror: { message: error.message, type: error.exceptionType },
    },
  });
}

function simpleError(
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Answer {
  return json(status, { error: { code, message } }, headers);
}

interface Paging {
  readonly offset: number;
  readonly digest: string;
}

function digestOf(body: string): string {
  return createHash("sha256").update(body).digest("base64url").slice(0, 16);
}

function readSkipToken(token: string | null): Paging | undefined {
  if (token === null) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as Partial<Paging>;
    if (typeof parsed.offset !== "number" || typeof parsed.digest !== "string") return undefined;
    return { offset: parsed.offset, digest: parsed.digest };
  } catch {
    return undefined;
  }
}

function pageSize(prefer: string | undefined): number {
  const match = /odata\.maxpagesize\s*=\s*(\d+)/i.exec(prefer ?? "");
  const size = match === null ? DEFAULT_PAGE_SIZE : Number(match[1]);
  return Math.max(1, Math.min(1000, size));
}

function invoke(
  state: ServerState,
  tenant: string,
  url: URL,
  headers: Record<string, string>,
  raw: Buffer,
): Answer {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
  if (bearer === undefined)
    return simpleError(401, "Unauthorized", "The request has no bearer token.", {
      "WWW-Authenticate": 'Bearer realm=""',
    });
  const check = state.tokens.checkAccessToken(bearer);
  if (!check.ok)
    return simpleError(401, "Unauthorized", check.message, {
      "WWW-Authenticate": 'Bearer error="invalid_token"',
    });
  if (check.principal.tenantId !== tenant.toLowerCase() && tenant.toLowerCase() !== state.org.domain)
    return simpleError(401, "Unauthorized", "The token was issued for another tenant.");
  if (!check.principal.roles.has(MANAGE_AS_APP))
    return simpleError(
      403,
      "Forbidden",
      `The application has no ${MANAGE_AS_APP} permission on Office 365 Exchange Online.`,
    );
  if (!ANCHOR.test(headers["x-anchormailbox"] ?? ""))
    return simpleError(400, "BadRequest", "The X-AnchorMailbox header is missing or malformed.");
  let cmdlet: string;
  let parameters: Record<string, unknown>;
  try {
    const body = JSON.parse(raw.toString("utf8")) as {
      CmdletInput?: { CmdletName?: unknown; Parameters?: unknown };
    };
    const input = body.CmdletInput;
    if (input === undefined || typeof input.CmdletName !== "string")
      throw new Error("no CmdletInput.CmdletName");
    cmdlet = input.CmdletName;
    const given = input.Parameters ?? {};
    if (given === null || typeof given !== "object" || Array.isArray(given))
      throw new Error("Parameters is not an object");
    parameters = given as Record<string, unknown>;
  } catch (error) {
    return simpleError(
      400,
      "BadRequest",
      `The request body is not a valid InvokeCommand body: ${error instanceof Error ? error.message : String(error)}.`,
    );
  }
  const digest = digestOf(raw.toString("utf8"));
  const skip = url.searchParams.get("$skiptoken");
  const paging = readSkipToken(skip);
  if (skip !== null && (paging === undefined || paging.digest !== digest))
    return simpleError(400, "BadRequest", "The $skiptoken does not belong to this command.");
  state.counters.byCmdlet[cmdlet] = (state.counters.byCmdlet[cmdlet] ?? 0) + 1;
  state.mrs.advance(state.now());
  const beforeMoves = new Set(state.org.moves.keys());
  let result;
  try {
    result = runCmdlet(cmdlet, parameters, {
      org: state.org,
      mrs: state.mrs,
      random: state.random,
      administrator: state.administrator,
      now: state.mrs.now,
    });
  } catch (error) {
    if (error instanceof CmdletError) return cmdletErrorAnswer(error);
    throw error;
  }
  for (const email of state.org.moves.keys()) {
    if (!beforeMoves.has(email))
      state.counters.moveCreations[email] = (state.counters.moveCreations[email] ?? 0) + 1;
  }
  const limit = result.resultSize ?? DEFAULT_RESULT_SIZE;
  const warnings =
    result.resultSize === undefined && result.output.length > DEFAULT_RESULT_SIZE
      ? [
          `By default, only the first ${DEFAULT_RESULT_SIZE} items are returned. Use the ResultSize parameter to specify the number of items returned. To return all items, specify "-ResultSize Unlimited".`,
        ]
      : [];
  const all = result.output.slice(0, limit);
  const size = pageSize(headers.prefer);
  const offset = paging?.offset ?? 0;
  const page = all.slice(offset, offset + size);
  const next = offset + size < all.length;
  const base = `${state.baseUrl}/adminapi/beta/${tenant}`;
  return json(200, {
    "@odata.context": `${base}/$metadata#Collection(Exchange.GenericHashTable)`,
    "adminapi.warnings@odata.type": "#Collection(String)",
    "@adminapi.warnings": warnings,
    value: page,
    ...(next
      ? {
          "@odata.nextLink": `${base}/InvokeCommand?$skiptoken=${Buffer.from(JSON.stringify({ offset: offset + size, digest })).toString("base64url")}`,
        }
      : {}),
  });
}

/** The one tenant as the shared token authority sees it. */
function authorityOf(state: ServerState): Authority {
  const tenant = { tenantId: state.org.tenantId, domain: state.org.domain };
  return {
    baseUrl: state.baseUrl,
    apps: state.apps,
    tokens: state.tokens,
    tokenLifetimeSeconds: state.tokenLifetimeSeconds,
    tenant: (segment) => (segment.toLowerCase() === tenant.tenantId ? tenant : undefined),
  };
}

function lowerHeaders(request: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function write(response: ServerResponse, answer: Answer): void {
  const headers: Record<string, string> = {
    ...answer.headers,
    "request-id": randomBytes(16).toString("hex"),
  };
  if (answer.text !== undefined) {
    response.writeHead(answer.status, { ...headers, "Content-Type": "text/plain; charset=utf-8" });
    response.end(answer.text);
    return;
  }
  response.writeHead(answer.status, { ...headers, "Content-Type": "application/json; charset=utf-8" });
  response.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
}

/** The admin endpoint's answer to one InvokeCommand, with the tenant's concurrency and faults applied. */
async function admin(
  state: ServerState,
  tenant: string,
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
): Promise<Answer> {
  state.counters.requests += 1;
  if (state.inFlight >= state.faults.concurrentRequestsPerTenant) {
    state.counters.concurrencyRefused += 1;
    return { status: 429, text: CONCURRENCY_REFUSAL };
  }
  state.inFlight += 1;
  state.counters.maxInFlight = Math.max(state.counters.maxInFlight, state.inFlight);
  try {
    if (state.faults.latencyMs > 0) await sleep(state.faults.latencyMs);
    const roll = state.random.next();
    const { status500Rate, status503Rate, throttleRate } = state.faults;
    if (roll < status500Rate) {
      state.counters.faults += 1;
      return simpleError(
        500,
        "InternalServerError",
        "An internal server error occurred. The operation failed.",
      );
    }
    if (roll < status500Rate + status503Rate) {
      state.counters.faults += 1;
      return simpleError(
        503,
        "ServiceUnavailable",
        "The service is temporarily unavailable. Please try again later.",
        { "Retry-After": "1" },
      );
    }
    if (roll < status500Rate + status503Rate + throttleRate) {
      state.counters.throttled += 1;
      return simpleError(
        429,
        "TooManyRequests",
        "The request was throttled. Please retry after the time in Retry-After.",
        {
          "Retry-After": String(state.faults.retryAfterSeconds),
        },
      );
    }
    return invoke(state, tenant, url, headers, body);
  } finally {
    state.inFlight -= 1;
  }
}

/** The request listener. */
export function createRequestHandler(
  state: ServerState,
): (request: IncomingMessage, response: ServerResponse) => void {
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", state.baseUrl);
    const method = (request.method ?? "GET").toUpperCase();
    const headers = lowerHeaders(request);
    const body = await readBody(request, MAX_BODY_BYTES);
    const path = url.pathname;
    if (path.startsWith(CONTROL_PREFIX)) {
      let parsed: unknown = {};
      try {
        parsed = body.length === 0 ? {} : (JSON.parse(body.toString("utf8")) as unknown);
      } catch {
        write(response, simpleError(400, "BadRequest", "The body is not JSON."));
        return;
      }
      try {
        const result = state.control(method, path.slice(CONTROL_PREFIX.length), url.searchParams, parsed);
        write(
          response,
          result === undefined
            ? simpleError(404, "NotFound", `No control route ${method} ${path}.`)
            : json(200, result),
        );
      } catch (error) {
        write(
          response,
          simpleError(400, "BadRequest", error instanceof Error ? error.message : String(error)),
        );
      }
      return;
    }
    const identity = authorityRoute(authorityOf(state), method, path, body, headers.authorization);
    if (identity !== undefined) {
      write(response, identity);
      return;
    }
    const tenant = INVOKE_PATH.exec(path)?.[1];
    if (tenant !== undefined && method === "POST") {
      const started = Date.now();
      const answer = await admin(state, decodeURIComponent(tenant), url, headers, body);
      write(response, answer);
      state.logger.debug("exchange simulator request", { status: answer.status, ms: Date.now() - started });
      return;
    }
    write(response, simpleError(404, "NotFound", `No resource at ${method} ${path}.`));
  };
  return (request, response) => {
    handle(request, response).catch((error: unknown) => {
      state.logger.error("exchange simulator failed to answer a request", { error });
      if (!response.headersSent)
        write(response, simpleError(500, "InternalServerError", "The simulator failed."));
      else response.destroy();
    });
  };
}
