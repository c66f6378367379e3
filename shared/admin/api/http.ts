/**
 * The admin API without Azure Functions types: a request as plain data in, a response as plain
 * data out. Every call is authorised before anything else is read: no principal is a 401, a
 * principal without the role is a 403. Bodies and queries are validated by the operation's zod
 * schema; a refusal is a 400 that lists every rejected field.
 */
import type { z } from "zod";
import type { Logger } from "../../telemetry/logger.js";
import type { Operator } from "../actions/record.js";
import { BodyTooLargeError, RequestValidationError } from "../errors.js";
import { authorize, PRINCIPAL_HEADER, trustedPrincipal, type Access } from "../principal.js";
import type { AdminPorts } from "../ports.js";
import { dotted, parseInput } from "../requests.js";
import { errorResponse } from "./respond.js";
import { checkRequestUrl } from "./url.js";

/** An HTTP request as the admin API needs it. */
export interface AdminRequest {
  readonly method: string;
  /** The URL as the caller sent it, when the host passes it: repeated parameters are read from it. */
  readonly url?: string;
  readonly query: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
  header(name: string): string | null;
  text(): Promise<string>;
  /** Whether App Service authentication is on (the platform's WEBSITE_AUTH_ENABLED). */
  readonly authenticationEnabled: boolean;
}

/** A response; the shape of an Azure Functions HttpResponseInit. */
export interface AdminResponse {
  readonly status: number;
  readonly jsonBody?: unknown;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What an operation gets: the ports, who is calling, and validated inputs. */
export interface OperationContext {
  readonly ports: AdminPorts;
  readonly operator: Operator;
  readonly query: <T>(schema: z.ZodType<T>) => T;
  readonly params: <T>(schema: z.ZodType<T>) => T;
  readonly body: <T>(schema: z.ZodType<T>) => Promise<T>;
}

/** One admin API operation. */
export interface AdminOperation {
  readonly access: Access;
  readonly handle: (context: OperationContext) => Promise<AdminResponse>;
}

/** The function key may travel in the query (`code`); it is the host's, not the operation's. */
const HOST_QUERY_PARAMETERS = new Set(["code"]);

/**
 * The largest body the admin API reads: its biggest request, a retry naming 1,000 accounts of
 * 256 characters, is about a quarter of it. The Functions host itself accepts up to 100 MB.
 */
export const MAX_ADMIN_BODY_BYTES = 1024 * 1024;

async function readBody(request: AdminRequest): Promise<unknown> {
  const declared = Number(request.header("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > MAX_ADMIN_BODY_BYTES) {
    throw new BodyTooLargeError(MAX_ADMIN_BODY_BYTES, declared);
  }
  const text = await request.text();
  const size = Buffer.byteLength(text);
  if (size > MAX_ADMIN_BODY_BYTES) throw new BodyTooLargeError(MAX_ADMIN_BODY_BYTES, size);
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RequestValidationError([{ path: "body", message: "is not valid JSON" }], { cause: error });
  }
}

/**
 * Serves one operation: authorises the caller, opens the ports (only then, so a refused call
 * touches nothing), runs the operation and turns known errors into 4xx answers.
 */
export async function serveAdmin(
  operation: AdminOperation,
  request: AdminRequest,
  openPorts: () => Promise<AdminPorts>,
  log: Logger,
): Promise<AdminResponse> {
  try {
    const principal = authorize(
      trustedPrincipal(request.header(PRINCIPAL_HEADER), request),
      operation.access,
    );
    checkRequestUrl(request.url);
    const ports = await openPorts();
    const query = Object.fromEntries(
      Object.entries(request.query).filter(([name]) => !HOST_QUERY_PARAMETERS.has(name)),
    );
    return await operation.handle({
      ports,
      operator: { actor: principal.name, via: "http" },
      query: (schema) => parseInput(schema, query, dotted("query")),
      params: (schema) => parseInput(schema, request.params, dotted("route")),
      body: async (schema) => parseInput(schema, await readBody(request), dotted("body")),
    });
  } catch (error) {
    return errorResponse(error, log);
  }
}
