import { readFileSync } from "node:fs";
import type { GraphConnection } from "../graph/credentials.js";
import { type Env, GUID, invalidSetting, optional, required } from "./env.js";
import { ConfigError } from "./errors.js";

/** The two Graph apps a migration uses: one in the source tenant, one in the target tenant. */
export interface GraphSettings {
  readonly source: GraphConnection;
  readonly target: GraphConnection;
}

const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

function httpsOrigin(env: Env, name: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  const allowed = "an https:// origin without a path (no /v1.0), e.g. https://graph.microsoft.com";
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidSetting(name, raw, allowed);
  }
  if (url.protocol !== "https:" || (url.pathname !== "/" && url.pathname !== "") || url.search !== "") {
    throw invalidSetting(name, raw, allowed);
  }
  return url.origin;
}

function readPem(name: string, path: string, what: RegExp, description: string): string {
  const allowed = `the path of a readable PEM file holding ${description}`;
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw invalidSetting(name, path, `${allowed} (the file cannot be read: ${code})`);
  }
  if (!what.test(text)) throw invalidSetting(name, path, `${allowed} (the file holds none)`);
  return text;
}

function readSide(
  env: Env,
  side: "SOURCE" | "TARGET",
  shared: { baseUrl: string; authorityHost: string | undefined; caCertPem: string | undefined },
): GraphConnection {
  const prefix = `GRAPH_${side}_`;
  const tenantId = required(env, `${prefix}TENANT_ID`, "the Entra tenant id or its primary domain");
  if (!GUID.test(tenantId) && !DOMAIN.test(tenantId)) {
    throw invalidSetting(
      `${prefix}TENANT_ID`,
      tenantId,
      "a tenant GUID or a domain name such as contoso.com",
    );
  }
  const clientId = required(env, `${prefix}CLIENT_ID`, "the application (client) id of the Graph app");
  if (!GUID.test(clientId))
    throw invalidSetting(`${prefix}CLIENT_ID`, clientId, "an application (client) id GUID");
  const clientSecret = optional(env, `${prefix}CLIENT_SECRET`);
  const certificatePath = optional(env, `${prefix}CERTIFICATE_PATH`);
  if (clientSecret === undefined && certificatePath === undefined) {
    throw new ConfigError(
      `${prefix}CLIENT_SECRET`,
      `is required unless ${prefix}CERTIFICATE_PATH names the app's certificate`,
    );
  }
  if (clientSecret !== undefined && certificatePath !== undefined) {
    throw new ConfigError(`${prefix}CERTIFICATE_PATH`, `set either it or ${prefix}CLIENT_SECRET, not both`);
  }
  if (certificatePath !== undefined) {
    readPem(
      `${prefix}CERTIFICATE_PATH`,
      certificatePath,
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
      "a PEM private key",
    );
  }
  return {
    baseUrl: shared.baseUrl,
    tenantId,
    clientId,
    ...(shared.authorityHost ? { authorityHost: shared.authorityHost } : {}),
    ...(clientSecret !== undefined ? { clientSecret } : {}),
    ...(certificatePath !== undefined ? { certificatePath } : {}),
    ...(shared.caCertPem ? { caCertPem: shared.caCertPem } : {}),
  };
}

/**
 * Reads `GRAPH_BASE_URL` (default https://graph.microsoft.com), `GRAPH_AUTHORITY_HOST`,
 * `GRAPH_CA_CERT_PATH` (local simulator only) and, for SOURCE and TARGET, `GRAPH_<SIDE>_TENANT_ID`,
 * `GRAPH_<SIDE>_CLIENT_ID` and `GRAPH_<SIDE>_CLIENT_SECRET` or `GRAPH_<SIDE>_CERTIFICATE_PATH`.
 */
export function readGraphSettings(env: Env): GraphSettings {
  const baseUrl = httpsOrigin(env, "GRAPH_BASE_URL") ?? "https://graph.microsoft.com";
  const authorityHost = httpsOrigin(env, "GRAPH_AUTHORITY_HOST");
  const caPath = optional(env, "GRAPH_CA_CERT_PATH");
  const caCertPem =
    caPath === undefined
      ? undefined
      : readPem("GRAPH_CA_CERT_PATH", caPath, /-----BEGIN CERTIFICATE-----/, "a PEM certificate");
  const shared = { baseUrl, authorityHost, caCertPem };
  return { source: readSide(env, "SOURCE", shared), target: readSide(env, "TARGET", shared) };
}
