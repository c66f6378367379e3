import type { Env } from "./env.js";
import { httpsOrigin, readCaCertificate, readEntraApp } from "./entra-app.js";

/** Where and as whom to reach Microsoft Graph. */
export interface GraphConnection {
  /** Graph's origin, e.g. https://graph.microsoft.com (no version segment). */
  baseUrl: string;
  /** Entra ID authority host; the public cloud's when unset. */
  authorityHost?: string;
  tenantId: string;
  clientId: string;
  clientSecret?: string;
  /** PEM file holding the app's certificate and private key. */
  certificatePath?: string;
  /** PEM of an extra CA to trust (the local simulator); production leaves it unset. */
  caCertPem?: string;
}

/** The two Graph apps a migration uses: one in the source tenant, one in the target tenant. */
export interface GraphSettings {
  readonly source: GraphConnection;
  readonly target: GraphConnection;
}

const GRAPH_ORIGIN = "https://graph.microsoft.com";

/**
 * Reads `GRAPH_BASE_URL` (default https://graph.microsoft.com), `GRAPH_AUTHORITY_HOST`,
 * `GRAPH_CA_CERT_PATH` (local simulator only) and, for SOURCE and TARGET, `GRAPH_<SIDE>_TENANT_ID`,
 * `GRAPH_<SIDE>_CLIENT_ID` and `GRAPH_<SIDE>_CLIENT_SECRET` or `GRAPH_<SIDE>_CERTIFICATE_PATH`.
 */
export function readGraphSettings(env: Env): GraphSettings {
  const baseUrl = httpsOrigin(env, "GRAPH_BASE_URL", GRAPH_ORIGIN) ?? GRAPH_ORIGIN;
  const authorityHost = httpsOrigin(env, "GRAPH_AUTHORITY_HOST", "https://login.microsoftonline.com");
  const caCertPem = readCaCertificate(env, "GRAPH_CA_CERT_PATH");
  const side = (name: "SOURCE" | "TARGET"): GraphConnection => ({
    baseUrl,
    ...readEntraApp(env, `GRAPH_${name}_`, `the ${name.toLowerCase()} tenant's Graph app`),
    ...(authorityHost !== undefined ? { authorityHost } : {}),
    ...(caCertPem !== undefined ? { caCertPem } : {}),
  });
  return { source: side("SOURCE"), target: side("TARGET") };
}
