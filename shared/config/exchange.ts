import { readFileSync } from "node:fs";
import { type Env, optional, parseSetting, positiveInt, required } from "./env.js";
import { ConfigError } from "./errors.js";

/** Where and as whom to reach Exchange Online's admin REST endpoint (app-only). */
export interface ExchangeConnection {
  /** The endpoint's origin, https://outlook.office365.com in Microsoft's public cloud. */
  readonly baseUrl: string;
  readonly authorityHost?: string;
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly certificatePath?: string;
  /** PEM of an extra CA to trust (the local simulator only). */
  readonly caCertPem?: string;
}

export interface ExchangeSettings {
  readonly connection: ExchangeConnection;
  /** Requests this process keeps in flight at most (the tenant allows only a few at once). */
  readonly maxConcurrentRequests: number;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;
export const DEFAULT_EXCHANGE_BASE_URL = "https://outlook.office365.com";
export const DEFAULT_EXCHANGE_CONCURRENCY = 4;

function origin(env: Env, name: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(name, `${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== "https:") throw new ConfigError(name, "must be an https:// URL");
  if (url.pathname !== "/" && url.pathname !== "")
    throw new ConfigError(name, "must be an origin without a path, e.g. https://outlook.office365.com");
  return url.origin;
}

function pem(name: string, path: string, what: RegExp, description: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      name,
      `cannot read ${JSON.stringify(path)}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (!what.test(text)) throw new ConfigError(name, `${JSON.stringify(path)} does not hold ${description}`);
  return text;
}

/**
 * Reads the Exchange Online app: `EXCHANGE_TENANT_ID`, `EXCHANGE_CLIENT_ID`, and
 * `EXCHANGE_CLIENT_SECRET` or `EXCHANGE_CERTIFICATE_PATH` (the app has Exchange.ManageAsApp and an
 * Exchange role), with `EXCHANGE_BASE_URL`, `EXCHANGE_AUTHORITY_HOST`, `EXCHANGE_CA_CERT_PATH`
 * (the local simulator only) and `EXCHANGE_MAX_CONCURRENT_REQUESTS`. Undefined when no tenant is
 * set: hybrid waves are then refused, copy waves run as before.
 */
export function readExchangeSettings(env: Env): ExchangeSettings | undefined {
  if (optional(env, "EXCHANGE_TENANT_ID") === undefined) return undefined;
  const tenantId = required(env, "EXCHANGE_TENANT_ID");
  if (!GUID.test(tenantId) && !DOMAIN.test(tenantId))
    throw new ConfigError(
      "EXCHANGE_TENANT_ID",
      `${JSON.stringify(tenantId)} is neither a GUID nor a domain name`,
    );
  const clientId = required(
    env,
    "EXCHANGE_CLIENT_ID",
    "the application (client) id of the Exchange admin app",
  );
  if (!GUID.test(clientId))
    throw new ConfigError("EXCHANGE_CLIENT_ID", `${JSON.stringify(clientId)} is not a GUID`);
  const clientSecret = optional(env, "EXCHANGE_CLIENT_SECRET");
  const certificatePath = optional(env, "EXCHANGE_CERTIFICATE_PATH");
  if (clientSecret === undefined && certificatePath === undefined)
    throw new ConfigError(
      "EXCHANGE_CLIENT_SECRET",
      "is required unless EXCHANGE_CERTIFICATE_PATH names the app's certificate",
    );
  if (clientSecret !== undefined && certificatePath !== undefined)
    throw new ConfigError("EXCHANGE_CERTIFICATE_PATH", "set either it or EXCHANGE_CLIENT_SECRET, not both");
  if (certificatePath !== undefined)
    pem(
      "EXCHANGE_CERTIFICATE_PATH",
      certificatePath,
      /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
      "a PEM private key",
    );
  const caPath = optional(env, "EXCHANGE_CA_CERT_PATH");
  const authorityHost = origin(env, "EXCHANGE_AUTHORITY_HOST");
  return {
    connection: {
      baseUrl: origin(env, "EXCHANGE_BASE_URL") ?? DEFAULT_EXCHANGE_BASE_URL,
      tenantId,
      clientId,
      ...(authorityHost !== undefined ? { authorityHost } : {}),
      ...(clientSecret !== undefined ? { clientSecret } : {}),
      ...(certificatePath !== undefined ? { certificatePath } : {}),
      ...(caPath !== undefined
        ? {
            caCertPem: pem(
              "EXCHANGE_CA_CERT_PATH",
              caPath,
              /-----BEGIN CERTIFICATE-----/,
              "a PEM certificate",
            ),
          }
        : {}),
    },
    maxConcurrentRequests: parseSetting(
      env,
      "EXCHANGE_MAX_CONCURRENT_REQUESTS",
      positiveInt.max(64),
      DEFAULT_EXCHANGE_CONCURRENCY,
    ),
  };
}
