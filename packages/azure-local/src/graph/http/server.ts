/**
 * The HTTPS front door: reads the request, sends it to the identity endpoints, the admin interface,
 * an import URL or Graph (after checking the bearer token), and writes the answer.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Authority, authorityRoute } from "../../authority/endpoints.js";
import { ADMIN_PREFIX, type AdminControls, handleAdmin } from "../routes/admin.js";
import { IMPORT_PATH_PREFIX, handleImport } from "../routes/imports.js";
import { type SimulatorState, tenantById } from "../state.js";
import { type Outcome, RESET, dispatchGraph, serialised } from "./pipeline.js";
import { JSON_CONTENT_TYPE, errorResponse } from "./respond.js";
import type { Router } from "./router.js";
import type { GraphResponse, GraphVersion } from "./types.js";

/** Largest request body accepted (an item of Exchange's maximum size, base64-encoded). */
const MAX_BODY_BYTES = 210 * 1024 * 1024;

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function lowerHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}

function write(
  res: ServerResponse,
  outcome: Outcome,
  ids?: { requestId: string; clientRequestId: string },
): void {
  if (outcome === RESET) {
    res.socket?.destroy();
    return;
  }
  const response: GraphResponse = serialised(outcome);
  const headers: Record<string, string> = { ...response.headers };
  if (ids) {
    headers["request-id"] = ids.requestId;
    headers["client-request-id"] = ids.clientRequestId;
  }
  if (response.text !== undefined) {
    headers["Content-Type"] = JSON_CONTENT_TYPE;
    res.writeHead(response.status, headers);
    res.end(response.text);
  } else {
    res.writeHead(response.status, headers);
    res.end();
  }
}

const VERSIONED = /^\/(v1\.0|beta)(\/.*)$/;
const UNAUTHENTICATED_HEADERS = {
  "WWW-Authenticate":
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize"',
};

/** The simulator's two tenants as the shared token authority sees them; tokens issued are counted. */
function authorityOf(state: SimulatorState): Authority {
  return {
    baseUrl: state.baseUrl,
    apps: state.apps,
    tokens: state.tokens,
    tokenLifetimeSeconds: state.tokenLifetimeSeconds,
    tenant: (segment) => tenantById(state, segment),
    onTokenIssued: () => state.counters.tokenIssued(),
  };
}

/** Builds the request listener for the HTTPS server. */
export function createRequestHandler(
  state: SimulatorState,
  router: Router,
  admin: AdminControls,
): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", state.baseUrl);
    const method = (req.method ?? "GET").toUpperCase();
    const headers = lowerHeaders(req);
    const ids = { requestId: randomUUID(), clientRequestId: headers["client-request-id"] ?? randomUUID() };
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        write(res, errorResponse(413, "RequestEntityTooLarge", "The request body is too large.", ids), ids);
        return;
      }
      throw error;
    }
    const path = url.pathname;
    const started = Date.now();
    let outcome: Outcome;
    if (path.startsWith(ADMIN_PREFIX)) {
      outcome = handleAdmin(admin, method, path.slice(ADMIN_PREFIX.length), url.searchParams, body);
    } else if (path.startsWith(IMPORT_PATH_PREFIX) && method === "POST") {
      outcome = await handleImport(state, { path, query: url.searchParams, headers, body, ...ids });
    } else {
      const identity = authorityRoute(authorityOf(state), method, path, body, headers.authorization);
      if (identity) {
        outcome = identity;
      } else {
        outcome = await graph(method, url, headers, body, ids);
      }
    }
    write(res, outcome, ids);
    state.logger.debug("graph simulator request", {
      method,
      path,
      status: outcome === RESET ? "reset" : outcome.status,
      ms: Date.now() - started,
    });
  };

  const graph = (
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: Buffer,
    ids: { requestId: string; clientRequestId: string },
  ): Promise<Outcome> => {
    const versioned = VERSIONED.exec(url.pathname);
    if (!versioned) {
      return Promise.resolve(errorResponse(404, "NotFound", `No resource at ${url.pathname}.`, ids));
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? "")?.[1];
    if (!bearer) {
      return Promise.resolve(
        errorResponse(
          401,
          "InvalidAuthenticationToken",
          "Access token is empty.",
          ids,
          UNAUTHENTICATED_HEADERS,
        ),
      );
    }
    const check = state.tokens.checkAccessToken(bearer);
    if (!check.ok) {
      return Promise.resolve(
        errorResponse(401, "InvalidAuthenticationToken", check.message, ids, UNAUTHENTICATED_HEADERS),
      );
    }
    let parsed: unknown;
    if (body.length > 0) {
      try {
        parsed = JSON.parse(body.toString("utf8")) as unknown;
      } catch {
        return Promise.resolve(
          errorResponse(
            400,
            "BadRequest",
            "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
            ids,
          ),
        );
      }
    }
    return dispatchGraph(
      state,
      router,
      {
        method,
        version: versioned[1] as GraphVersion,
        path: versioned[2] ?? "/",
        query: url.searchParams,
        headers,
        body: parsed,
        bodyBytes: body.length,
        principal: check.principal,
        ...ids,
      },
      true,
    );
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      state.logger.error("graph simulator failed to answer a request", { error });
      if (!res.headersSent) {
        res.writeHead(500, { "Content-Type": JSON_CONTENT_TYPE });
        res.end(JSON.stringify({ error: { code: "InternalServerError", message: "The simulator failed." } }));
      } else {
        res.destroy();
      }
    });
  };
}
