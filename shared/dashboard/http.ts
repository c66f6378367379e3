/**
 * The dashboard's HTTP answers without Azure Functions types. Every answer, the page and its
 * files included, needs the same sign-in and role as the admin API's reads, so the page is never
 * shown to somebody the API would refuse.
 */
import { z } from "zod";
import { errorResponse } from "../admin/api/respond.js";
import { checkRequestUrl } from "../admin/api/url.js";
import { authorize, PRINCIPAL_HEADER, trustedPrincipal, type Principal } from "../admin/principal.js";
import { dotted, parseInput, waveId } from "../admin/requests.js";
import type { Logger } from "../telemetry/logger.js";
import { readAsset } from "./assets.js";
import { dashboardData, type DashboardPorts } from "./data.js";
import { AssetNotFoundError } from "./errors.js";

/** A request as the dashboard needs it. */
export interface DashboardRequest {
  readonly query: Readonly<Record<string, string>>;
  /** The URL as the caller sent it, when the host passes it: repeated parameters are read from it. */
  readonly url?: string;
  header(name: string): string | null;
  /** Whether App Service authentication is on (the platform's WEBSITE_AUTH_ENABLED). */
  readonly authenticationEnabled: boolean;
}

/** An answer; the shape of an Azure Functions HttpResponseInit. */
export interface DashboardResponse {
  readonly status: number;
  readonly jsonBody?: unknown;
  readonly body?: string | Uint8Array;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Marks the page's query where the function key is passed on to the files it loads. */
export const KEY_QUERY_MARK = "{{keyQuery}}";

/**
 * The page may load only what the app serves: no script, style, font or call leaves the origin.
 * Styles allow inline because the charting library sizes its elements with style attributes.
 */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy":
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  // The page's address carries the function key; it must not travel on in a Referer.
  "referrer-policy": "no-referrer",
  "cache-control": "no-cache",
};

const dataQuery = z.strictObject({
  // Without it the charts span the waves' own time.
  minutes: z.coerce
    .number()
    .int()
    .min(5)
    .max(7 * 24 * 60)
    .optional(),
  buckets: z.coerce.number().int().min(6).max(240).default(60),
  wave: waveId.optional(),
  // The function key, when it travels in the query, is the host's.
  code: z.string().optional(),
});

function signedIn(request: DashboardRequest): Principal {
  const principal = authorize(trustedPrincipal(request.header(PRINCIPAL_HEADER), request), "read");
  checkRequestUrl(request.url);
  return principal;
}

async function answer(log: Logger, serve: () => Promise<DashboardResponse>): Promise<DashboardResponse> {
  try {
    return await serve();
  } catch (error) {
    if (error instanceof AssetNotFoundError) {
      return { status: 404, jsonBody: { error: { code: "NotFound", message: error.message } } };
    }
    return errorResponse(error, log);
  }
}

/** The query suffix that passes the caller's function key on to the page's files. */
function keyQuery(request: DashboardRequest): string {
  const code = request.query.code;
  return code === undefined || code === "" ? "" : `?code=${encodeURIComponent(code)}`;
}

/** GET dash: the page, with the function key passed on to the files it loads. */
export function servePage(request: DashboardRequest, log: Logger): Promise<DashboardResponse> {
  return answer(log, async () => {
    signedIn(request);
    const page = (await readAsset("index.html")).body.toString("utf8");
    return {
      status: 200,
      body: page.split(KEY_QUERY_MARK).join(keyQuery(request)),
      headers: { ...PAGE_HEADERS, "content-type": "text/html; charset=utf-8" },
    };
  });
}

/** GET dash/assets/{name}: one of the page's files. */
export function serveAsset(request: DashboardRequest, name: string, log: Logger): Promise<DashboardResponse> {
  return answer(log, async () => {
    signedIn(request);
    if (name === "index.html") return servePage(request, log);
    const asset = await readAsset(name);
    return {
      status: 200,
      body: new Uint8Array(asset.body),
      headers: { ...PAGE_HEADERS, "content-type": asset.contentType },
    };
  });
}

/** GET dash/data[?minutes=&buckets=&wave=]: the viewer, time series, thresholds and alerts. */
export function serveData(
  request: DashboardRequest,
  openPorts: () => Promise<DashboardPorts>,
  log: Logger,
): Promise<DashboardResponse> {
  return answer(log, async () => {
    const viewer = signedIn(request);
    const { minutes, buckets, wave } = parseInput(dataQuery, request.query, dotted("query"));
    const data = await dashboardData(await openPorts(), viewer, {
      ...(minutes !== undefined ? { minutes } : {}),
      buckets,
      ...(wave !== undefined ? { wave } : {}),
    });
    return { status: 200, jsonBody: data, headers: { "cache-control": "no-store" } };
  });
}
