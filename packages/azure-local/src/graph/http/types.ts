/** Shapes shared by the Graph routes, the pipeline and the server. */
import type { Principal } from "../../authority/tokens.js";
import type { Mailbox, Tenant } from "../model/types.js";
import type { SimulatorState } from "../state.js";

export type GraphVersion = "v1.0" | "beta";

/** One Graph call, whether it arrived on its own or inside a $batch. */
export interface GraphRequest {
  readonly method: string;
  readonly version: GraphVersion;
  /** Path after the version, e.g. `/users/{id}`. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly bodyBytes: number;
  readonly principal: Principal;
  readonly requestId: string;
  readonly clientRequestId: string;
}

export interface GraphResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON body; omitted for 202/204. */
  readonly body?: unknown;
  /** The body already serialised (set by the pipeline so large exports are stringified once). */
  readonly text?: string;
}

export interface RouteContext {
  readonly state: SimulatorState;
  readonly request: GraphRequest;
  readonly params: Readonly<Record<string, string>>;
  /** The caller's tenant (every Graph call is scoped to the tenant of its token). */
  readonly tenant: Tenant;
}

export interface Route {
  readonly method: "GET" | "POST" | "PATCH" | "DELETE";
  /** Path with `{name}` placeholders, after the version, e.g. `/users/{userId}/mailboxSettings`. */
  readonly pattern: string;
  /** Versions serving the route; both when omitted. */
  readonly versions?: readonly GraphVersion[];
  /** Application permissions of which the token must hold at least one. */
  readonly permissions: readonly string[];
  /** Error code of the 403 this family of endpoints returns. */
  readonly deniedCode?: string;
  /** The mailbox the call is throttled and counted against; may throw a GraphApiError (404). */
  readonly mailbox?: (context: RouteContext) => Mailbox | undefined;
  readonly handle: (
    context: RouteContext & { readonly mailbox: Mailbox | undefined },
  ) => GraphResponse | Promise<GraphResponse>;
}
