import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { timingSafeEqual } from "node:crypto";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import type { Logger } from "../../shared/telemetry/logger.js";
import { BodyTooLargeError, readBody } from "@mailferry/azure-local";
import { compileRoute, type CompiledRoute } from "./routes.js";
import type { Registration, WorkerState } from "./worker/core-module.js";
import type { RpcHttpData, RpcTypedData } from "./worker/core-types.js";
import { invokeRegistration } from "./worker/invoke.js";
import type { HttpTrigger } from "./worker/triggers.js";

/** Keys and the development sign-in the HTTP front end applies, as App Service would. */
export interface HttpHostOptions {
  readonly port?: number;
  /** Accepted for `authLevel: "function"` (header `x-functions-key` or query `code`). */
  readonly functionKey: string;
  /** Accepted for every auth level. */
  readonly masterKey: string;
  /**
   * Base64 JSON of an App Service principal, added as `x-ms-client-principal` when a request
   * carries none: the local stand-in for App Service authentication's sign-in.
   */
  readonly devPrincipal?: string;
}

/** An HTTP function with its trigger as registered. */
export interface HttpFunction {
  readonly registration: Registration;
  readonly trigger: HttpTrigger;
}

interface Route {
  readonly fn: HttpFunction;
  readonly route: CompiledRoute;
  readonly methods: readonly string[];
}

/**
 * The Functions host's limits, from the HTTP trigger's documentation ("Limits"): a request body
 * of at most 100 MB (104,857,600 bytes) and a URL of at most 4 KB (4,096 bytes); and from Kestrel,
 * which serves it: request headers of at most 32 KB in all (KestrelServerLimits
 * .MaxRequestHeadersTotalSize), refused with 431.
 */
export const HOST_LIMITS = {
  bodyBytes: 104_857_600,
  urlBytes: 4_096,
  headerBytes: 32 * 1024,
} as const;

/** How long a refused connection may keep sending before it is cut (its answer is already sent). */
const DRAIN_MS = 10_000;

/**
 * Answers a request the HTTP parser refused (headers over the limit, a malformed request line)
 * with a status and a JSON body, then reads and discards what the client still sends until it
 * closes: a server that closed with unread data would reset the connection before the client
 * read the answer.
 */
function refuseConnection(socket: Duplex, status: number, reason: string, body: unknown): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
  socket.on("data", () => undefined);
  socket.resume();
  setTimeout(() => socket.destroy(), DRAIN_MS).unref();
}

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

function bytesOf(data: RpcTypedData | null | undefined): Buffer {
  if (!data) return Buffer.alloc(0);
  if (data.bytes) return Buffer.from(data.bytes);
  if (typeof data.string === "string") return Buffer.from(data.string);
  if (typeof data.json === "string") return Buffer.from(data.json);
  return Buffer.alloc(0);
}

/**
 * Serves HTTP functions under `/api/<route>` on loopback, enforcing their auth level, and passes
 * each request to the app as the host does: as RPC HTTP data that the app's library turns into
 * its `HttpRequest`, with the handler's answer coming back the same way.
 */
export class HttpTriggerServer {
  private readonly routes: Route[];
  private server: Server | undefined;
  private baseUrl = "";

  constructor(
    private readonly worker: WorkerState,
    functions: readonly HttpFunction[],
    private readonly options: HttpHostOptions,
    private readonly logger: Logger,
  ) {
    this.routes = functions.map((fn) => ({
      fn,
      route: compileRoute(fn.trigger.route ?? fn.registration.metadata.name, fn.registration.metadata.name),
      methods: (fn.trigger.methods ?? ["GET", "POST"]).map((method) => method.toUpperCase()),
    }));
  }

  /** `http://127.0.0.1:<port>`, once started. */
  get url(): string {
    return this.baseUrl;
  }

  /** Starts listening on 127.0.0.1. */
  async start(): Promise<void> {
    const server = createServer({ maxHeaderSize: HOST_LIMITS.headerBytes }, (request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        this.logger.error("http host failure", { error });
        if (!response.headersSent)
          sendJson(response, 500, { error: { code: "InternalError", message: "internal error" } });
        else response.end();
      });
    });
    server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
      if (error.code === "HPE_HEADER_OVERFLOW") {
        refuseConnection(socket, 431, "Request Header Fields Too Large", {
          error: {
            code: "RequestHeaderFieldsTooLarge",
            message: `the request headers are over ${HOST_LIMITS.headerBytes} bytes in all, the most the host accepts`,
          },
        });
      } else if (error.code === "ECONNRESET" || error.code === "EPIPE") {
        socket.destroy();
      } else {
        refuseConnection(socket, 400, "Bad Request", {
          error: { code: "BadRequest", message: "the request is not valid HTTP/1.1" },
        });
      }
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.options.port ?? 0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    this.baseUrl = `http://127.0.0.1:${port}`;
  }

  /**
   * Stops accepting requests, closes idle connections, lets requests in progress finish for up to
   * `graceMs`, then closes every connection left.
   */
  async stop(graceMs: number): Promise<void> {
    const server = this.server;
    if (!server) return;
    let timer: NodeJS.Timeout | undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      timer = setTimeout(() => server.closeAllConnections(), graceMs);
    });
    clearTimeout(timer);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (Buffer.byteLength(request.url ?? "") > HOST_LIMITS.urlBytes) {
      request.resume();
      response.setHeader("connection", "close");
      sendJson(response, 414, {
        error: {
          code: "UriTooLong",
          message: `the URL is over ${HOST_LIMITS.urlBytes} bytes, the most the host accepts`,
        },
      });
      return;
    }
    const url = new URL(request.url ?? "/", this.baseUrl);
    if (!url.pathname.startsWith("/api/") && url.pathname !== "/api") {
      sendJson(response, 404, { error: { code: "NotFound", message: "no function at this path" } });
      return;
    }
    const path = url.pathname.slice("/api".length);
    const method = (request.method ?? "GET").toUpperCase();
    let matchedPath = false;
    for (const { fn, route, methods } of this.routes) {
      const params = route.match(path);
      if (!params) continue;
      matchedPath = true;
      if (!methods.includes(method)) continue;
      await this.invoke(fn, params, url, request, response);
      return;
    }
    if (matchedPath)
      sendJson(response, 405, {
        error: { code: "MethodNotAllowed", message: `${method} is not allowed here` },
      });
    else sendJson(response, 404, { error: { code: "NotFound", message: "no function at this path" } });
  }

  private authorised(trigger: HttpTrigger, url: URL, request: IncomingMessage): boolean {
    const level = trigger.authLevel ?? "anonymous";
    if (level === "anonymous") return true;
    const header = request.headers["x-functions-key"];
    const offered = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get("code");
    if (keyMatches(offered, this.options.masterKey)) return true;
    return level === "function" && keyMatches(offered, this.options.functionKey);
  }

  private async invoke(
    fn: HttpFunction,
    params: Record<string, string>,
    url: URL,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    if (!this.authorised(fn.trigger, url, request)) {
      sendJson(response, 401, {
        error: { code: "Unauthorized", message: "a valid function key is required" },
      });
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(request, HOST_LIMITS.bodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) {
        // The client went away while sending: there is nobody to answer.
        this.logger.debug("request body not received", { error });
        response.destroy();
        return;
      }
      // The rest of the body is being discarded; the connection ends after this answer.
      response.setHeader("connection", "close");
      sendJson(response, 413, {
        error: {
          code: "PayloadTooLarge",
          message: `the request body is over ${HOST_LIMITS.bodyBytes} bytes, the most the host accepts`,
        },
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
    const http: RpcHttpData = {
      method: request.method ?? "GET",
      url: url.toString(),
      headers,
      query,
      params,
      ...(body.length > 0 ? { body: { bytes: new Uint8Array(body) } } : {}),
    };
    let answer: RpcHttpData | null | undefined;
    try {
      const { response: rpc } = await invokeRegistration(
        this.worker,
        fn.registration,
        { data: [{ name: fn.trigger.name, data: { http } }] },
        this.logger,
      );
      answer = rpc.returnValue?.http;
    } catch (error) {
      this.logger.error("http function failed", { functionName: fn.registration.metadata.name, error });
      sendJson(response, 500, { error: { code: "InternalError", message: "the function failed" } });
      return;
    }
    const status = Number(answer?.statusCode ?? "200");
    response.writeHead(Number.isInteger(status) ? status : 200, { ...(answer?.headers ?? {}) });
    response.end(bytesOf(answer?.body));
  }
}
