import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import functions, { type HttpResponse, type HttpResponseInit } from "@azure/functions";

// The package is CommonJS; Node's ESM loader exposes its classes on the default export only.
const { HttpRequest, HttpResponse: HttpResponseClass } = functions;
import type { HttpFunctionDefinition } from "../../functions/definition.js";
import type { Logger } from "../../shared/telemetry/logger.js";
import { createInvocationContext } from "./invocation.js";
import { compileRoute, type CompiledRoute } from "./routes.js";
import { readBody } from "../http/body.js";

/** Keys and the development principal the HTTP front end applies, as App Service would. */
export interface HttpHostOptions {
  readonly port?: number;
  /** Accepted for `authLevel: "function"` (header `x-functions-key` or query `code`). */
  readonly functionKey: string;
  /** Accepted for every auth level. */
  readonly masterKey: string;
  /**
   * Base64 JSON of an App Service principal, added as `x-ms-client-principal` when a request
   * carries none, so that role checks run locally the same way they run behind App Service auth.
   */
  readonly devPrincipal?: string;
}

interface Route {
  readonly definition: HttpFunctionDefinition;
  readonly route: CompiledRoute;
  readonly methods: readonly string[];
}

const MAX_BODY_BYTES = 4 * 1024 * 1024;

function keyMatches(offered: string | null, expected: string): boolean {
  if (offered === null) return false;
  const a = Buffer.from(offered);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  response.end(JSON.stringify(body));
}

/** Serves HTTP functions under `/api/<route>` on loopback, enforcing their auth level. */
export class HttpTriggerServer {
  private readonly routes: Route[];
  private server: Server | undefined;
  private baseUrl = "";

  constructor(
    definitions: readonly HttpFunctionDefinition[],
    private readonly options: HttpHostOptions,
    private readonly logger: Logger,
  ) {
    this.routes = definitions.map((definition) => ({
      definition,
      route: compileRoute(definition.options.route ?? definition.name, definition.name),
      methods: (definition.options.methods ?? ["GET", "POST"]).map((method) => method.toUpperCase()),
    }));
  }

  /** `http://127.0.0.1:<port>`, once started. */
  get url(): string {
    return this.baseUrl;
  }

  /** Starts listening on 127.0.0.1. */
  async start(): Promise<void> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.logger.error("http host failure", { error });
        if (!response.headersSent)
          sendJson(response, 500, { error: { code: "InternalError", message: "internal error" } });
        else response.end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  /** Stops accepting requests and closes idle connections. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", this.baseUrl);
    if (!url.pathname.startsWith("/api/") && url.pathname !== "/api") {
      sendJson(response, 404, { error: { code: "NotFound", message: "no function at this path" } });
      return;
    }
    const path = url.pathname.slice("/api".length);
    const method = (request.method ?? "GET").toUpperCase();
    let matchedPath = false;
    for (const { definition, route, methods } of this.routes) {
      const params = route.match(path);
      if (!params) continue;
      matchedPath = true;
      if (!methods.includes(method)) continue;
      await this.invoke(definition, params, url, request, response);
      return;
    }
    if (matchedPath)
      sendJson(response, 405, {
        error: { code: "MethodNotAllowed", message: `${method} is not allowed here` },
      });
    else sendJson(response, 404, { error: { code: "NotFound", message: "no function at this path" } });
  }

  private authorised(definition: HttpFunctionDefinition, url: URL, request: IncomingMessage): boolean {
    const level = definition.options.authLevel ?? "anonymous";
    if (level === "anonymous") return true;
    const header = request.headers["x-functions-key"];
    const offered = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("code");
    if (keyMatches(offered, this.options.masterKey)) return true;
    return level === "function" && keyMatches(offered, this.options.functionKey);
  }

  private async invoke(
    definition: HttpFunctionDefinition,
    params: Record<string, string>,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    if (!this.authorised(definition, url, request)) {
      sendJson(response, 401, {
        error: { code: "Unauthorized", message: "a valid function key is required" },
      });
      return;
    }
    let body: Buffer | undefined;
    try {
      const raw = await readBody(request, MAX_BODY_BYTES);
      body = raw.length > 0 ? raw : undefined;
    } catch {
      sendJson(response, 413, {
        error: { code: "PayloadTooLarge", message: `request body over ${MAX_BODY_BYTES} bytes` },
      });
      return;
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    if (this.options.devPrincipal !== undefined && headers["x-ms-client-principal"] === undefined) {
      headers["x-ms-client-principal"] = this.options.devPrincipal;
    }
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) query[name] = value;
    const httpRequest = new HttpRequest({
      method: request.method ?? "GET",
      url: url.toString(),
      headers,
      query,
      params,
      ...(body ? { body: { bytes: new Uint8Array(body) } } : {}),
    });
    const context = createInvocationContext(
      definition.name,
      {
        type: "httpTrigger",
        name: "request",
        route: definition.options.route,
        authLevel: definition.options.authLevel,
      },
      this.logger,
    );
    let result: HttpResponseInit | HttpResponse | undefined;
    try {
      result = await definition.options.handler(httpRequest, context);
    } catch (error) {
      this.logger.error("http function failed", {
        functionName: definition.name,
        invocationId: context.invocationId,
        error,
      });
      sendJson(response, 500, {
        error: { code: "InternalError", message: "the function failed", invocationId: context.invocationId },
      });
      return;
    }
    const reply = result instanceof HttpResponseClass ? result : new HttpResponseClass(result ?? {});
    const payload = Buffer.from(await reply.arrayBuffer());
    const outHeaders: Record<string, string> = {};
    reply.headers.forEach((value, name) => {
      outHeaders[name] = value;
    });
    response.writeHead(reply.status, outHeaders);
    response.end(payload);
  }
}
