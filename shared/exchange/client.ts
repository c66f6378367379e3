/**
 * The one way mailferry reaches Exchange Online's admin cmdlets: the REST endpoint the
 * ExchangeOnlineManagement v3 module itself calls,
 * `POST {base}/adminapi/beta/{tenant}/InvokeCommand` with `{"CmdletInput":{"CmdletName","Parameters"}}`,
 * an app-only token for `https://outlook.office365.com/.default` from `@azure/identity`, and an
 * `X-AnchorMailbox` header. Microsoft does not document this endpoint as a public API; everything
 * that depends on it stays in this folder.
 *
 * Conventions (as public projects calling the endpoint use it, checked against the local
 * simulator): results come in `value`, further pages at `@odata.nextLink` (POST the same body
 * again); app-only calls anchor on the tenant's system mailbox
 * `APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@{tenant}`; a cmdlet's refusal is a 4xx
 * whose `error.details[0].message` reads `<code>|<exception type>|<message>`; the tenant's
 * concurrent-request limit answers "You have reached the maximum number of concurrent requests per
 * tenant"; 429 and 5xx are retried with backoff (p-retry), honouring Retry-After.
 *
 * Parameters are never logged: some carry credentials (New-MigrationEndpoint -Credentials).
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { TokenCredential } from "@azure/identity";
import pRetry, { AbortError } from "p-retry";
import { fetch as undiciFetch } from "undici";
import type { ExchangeConnection } from "../config/exchange.js";
import { createGraphCredential } from "../graph/credentials.js";
import { graphDispatcher } from "../graph/client.js";
import { reusingTokens } from "../graph/token-reuse.js";
import type { Logger } from "../telemetry/logger.js";
import {
  commandError,
  ExchangeAuthError,
  ExchangeConnectionError,
  ExchangeError,
  ExchangeThrottledError,
  ExchangeUnavailableError,
} from "./errors.js";
import { Limiter } from "./limiter.js";

/** The system mailbox app-only admin calls anchor on. */
export const APP_ANCHOR_MAILBOX = "SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}";
const SCOPE = "https://outlook.office365.com/.default";
const PAGE_SIZE = 1000;
const CONCURRENCY_TEXT = /maximum number of concurrent requests/i;

export interface ExchangeClientOptions {
  readonly maxConcurrentRequests: number;
  readonly logger: Logger;
  /** Retries of one request after a 429, a concurrency refusal, a 5xx or a broken connection. */
  readonly retries?: number;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A credential to use instead of one made from the connection (tests). */
  readonly credential?: TokenCredential;
}

/** What the adapter has done, for activity records and benchmarks. */
export interface ExchangeClientStats {
  /** HTTP requests sent (each page and each retry counts). */
  requests: number;
  retries: number;
  throttled: number;
  concurrencyRefused: number;
}

/** A refusal that may pass, with how long to wait before the next try. */
class RetryableResponse extends ExchangeError {
  constructor(
    readonly status: number,
    readonly kind: "throttled" | "concurrency" | "unavailable",
    readonly waitMs: number,
    message: string,
  ) {
    super(message);
    this.name = "RetryableResponse";
  }
}

interface Page {
  readonly value: Record<string, unknown>[];
  readonly nextLink?: string;
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

interface ErrorBody {
  error?: {
    code?: string;
    message?: string;
    details?: { message?: string }[];
    innererror?: { message?: string; type?: string; internalException?: { message?: string } };
  };
}

/** The exception type and message of an Exchange error body. */
function describeError(text: string): { type: string; message: string } {
  let body: ErrorBody;
  try {
    body = JSON.parse(text) as ErrorBody;
  } catch {
    return { type: "UnknownError", message: text.slice(0, 500) };
  }
  const detail = body.error?.details?.[0]?.message;
  if (detail !== undefined) {
    const parts = detail.split("|");
    if (parts.length >= 3) return { type: parts[1] ?? "UnknownError", message: parts.slice(2).join("|") };
    return { type: body.error?.innererror?.type ?? "UnknownError", message: detail };
  }
  return {
    type: body.error?.innererror?.type ?? body.error?.code ?? "UnknownError",
    message: body.error?.innererror?.internalException?.message ?? body.error?.message ?? text.slice(0, 500),
  };
}

export class ExchangeAdminClient {
  private readonly credential: TokenCredential;
  private readonly limiter: Limiter;
  private readonly invokeUrl: string;
  private readonly anchor: string;
  readonly stats: ExchangeClientStats = { requests: 0, retries: 0, throttled: 0, concurrencyRefused: 0 };

  constructor(
    private readonly connection: ExchangeConnection,
    private readonly options: ExchangeClientOptions,
  ) {
    let base: URL;
    try {
      base = new URL(connection.baseUrl);
    } catch (error) {
      throw new ExchangeConnectionError(
        `the Exchange base URL ${JSON.stringify(connection.baseUrl)} is not a URL`,
        {
          cause: error,
        },
      );
    }
    if (base.protocol !== "https:") throw new ExchangeConnectionError("the Exchange base URL must use https");
    this.invokeUrl = `${base.origin}/adminapi/beta/${encodeURIComponent(connection.tenantId)}/InvokeCommand`;
    this.anchor = `APP:${APP_ANCHOR_MAILBOX}@${connection.tenantId}`;
    let credential = options.credential;
    if (credential === undefined) {
      try {
        credential = createGraphCredential({ ...connection });
      } catch (error) {
        throw new ExchangeConnectionError(
          `the Exchange app's credential cannot be made: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    }
    this.credential = reusingTokens(credential);
    this.limiter = new Limiter(options.maxConcurrentRequests);
  }

  /** Runs a cmdlet and returns every object of every page. */
  async invoke(
    cmdlet: string,
    parameters: Readonly<Record<string, unknown>> = {},
  ): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for await (const page of this.pages(cmdlet, parameters)) out.push(...page);
    return out;
  }

  /** Runs a cmdlet and yields its results a page at a time. */
  async *pages(
    cmdlet: string,
    parameters: Readonly<Record<string, unknown>> = {},
  ): AsyncIterable<Record<string, unknown>[]> {
    const body = JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } });
    let url: string | undefined = this.invokeUrl;
    while (url !== undefined) {
      const page: Page = await this.send(cmdlet, url, body);
      yield page.value;
      url = page.nextLink;
    }
  }

  private async send(cmdlet: string, url: string, body: string): Promise<Page> {
    const retries = this.options.retries ?? 6;
    const started = Date.now();
    let lastWait: RetryableResponse | undefined;
    try {
      return await pRetry(() => this.once(cmdlet, url, body), {
        retries,
        factor: 2,
        minTimeout: this.options.minBackoffMs ?? 250,
        maxTimeout: this.options.maxBackoffMs ?? 8_000,
        randomize: true,
        shouldRetry: (error) => error instanceof RetryableResponse,
        onFailedAttempt: async (error) => {
          if (!(error instanceof RetryableResponse)) return;
          lastWait = error;
          this.stats.retries += 1;
          this.options.logger.debug("exchange request retried", {
            cmdlet,
            status: error.status,
            kind: error.kind,
            attempt: error.attemptNumber,
          });
          // Retry-After first; p-retry's own backoff comes on top of it.
          if (error.waitMs > 0 && error.retriesLeft > 0) await sleep(error.waitMs);
        },
      });
    } catch (error) {
      if (error instanceof RetryableResponse) {
        const waited = lastWait ?? error;
        this.options.logger.warn("exchange request gave up", {
          cmdlet,
          status: error.status,
          kind: error.kind,
          ms: Date.now() - started,
        });
        if (error.kind === "unavailable")
          throw new ExchangeUnavailableError(error.status, `${cmdlet}: ${error.message}`, { cause: error });
        throw new ExchangeThrottledError(new Date(Date.now() + Math.max(1_000, waited.waitMs)), error.kind, {
          cause: error,
        });
      }
      throw error;
    }
  }

  private async once(cmdlet: string, url: string, body: string): Promise<Page> {
    const token = await this.credential.getToken(SCOPE).catch((error: unknown) => {
      throw new AbortError(
        new ExchangeAuthError(
          0,
          `no token for Exchange Online: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        ),
      );
    });
    if (token === null) throw new AbortError(new ExchangeAuthError(0, "no token for Exchange Online"));
    const release = await this.limiter.acquire();
    let response;
    const started = Date.now();
    try {
      this.stats.requests += 1;
      response = await undiciFetch(url, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${token.token}`,
          "Content-Type": "application/json; charset=utf-8",
          Accept: "application/json",
          Prefer: `odata.maxpagesize=${PAGE_SIZE}`,
          "X-AnchorMailbox": this.anchor,
          "X-CmdletName": cmdlet,
        },
        body,
        dispatcher: graphDispatcher(this.connection),
      });
    } catch (error) {
      throw new RetryableResponse(
        0,
        "unavailable",
        0,
        `no answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      release();
    }
    const text = await response.text().catch(() => "");
    this.options.logger.debug("exchange request", {
      cmdlet,
      status: response.status,
      ms: Date.now() - started,
    });
    if (response.ok) {
      let parsed: { value?: unknown; "@odata.nextLink"?: unknown };
      try {
        parsed = text === "" ? {} : (JSON.parse(text) as typeof parsed);
      } catch {
        throw new RetryableResponse(response.status, "unavailable", 0, "the answer was not JSON");
      }
      const value = Array.isArray(parsed.value) ? (parsed.value as Record<string, unknown>[]) : [];
      const next = parsed["@odata.nextLink"];
      return { value, ...(typeof next === "string" ? { nextLink: next } : {}) };
    }
    const wait = retryAfterMs(response.headers.get("retry-after"));
    if (CONCURRENCY_TEXT.test(text)) {
      this.stats.concurrencyRefused += 1;
      throw new RetryableResponse(
        response.status,
        "concurrency",
        wait ?? 1_000,
        "the tenant's concurrent-request limit",
      );
    }
    if (response.status === 429) {
      this.stats.throttled += 1;
      throw new RetryableResponse(429, "throttled", wait ?? 2_000, "throttled");
    }
    if (response.status >= 500 || response.status === 408) {
      throw new RetryableResponse(response.status, "unavailable", wait ?? 0, `HTTP ${response.status}`);
    }
    if (response.status === 401 || response.status === 403) {
      const { message } = describeError(text);
      throw new AbortError(
        new ExchangeAuthError(
          response.status,
          `Exchange Online refused the app (${response.status}): ${message}; check Exchange.ManageAsApp and the app's Exchange role`,
        ),
      );
    }
    const { type, message } = describeError(text);
    throw new AbortError(commandError(cmdlet, response.status, type, message));
  }
}
