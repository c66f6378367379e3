import { type Env, intSetting, optional } from "./env.js";
import { httpsOrigin, readCaCertificate, readEntraApp } from "./entra-app.js";

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

export const DEFAULT_EXCHANGE_BASE_URL = "https://outlook.office365.com";
export const DEFAULT_EXCHANGE_CONCURRENCY = 4;

/**
 * Reads the Exchange Online app: `EXCHANGE_TENANT_ID`, `EXCHANGE_CLIENT_ID`, and
 * `EXCHANGE_CLIENT_SECRET` or `EXCHANGE_CERTIFICATE_PATH` (the app has Exchange.ManageAsApp and an
 * Exchange role), with `EXCHANGE_BASE_URL`, `EXCHANGE_AUTHORITY_HOST`, `EXCHANGE_CA_CERT_PATH`
 * (the local simulator only) and `EXCHANGE_MAX_CONCURRENT_REQUESTS`. Undefined when no tenant is
 * set: hybrid waves are then refused, copy waves run as before.
 */
export function readExchangeSettings(env: Env): ExchangeSettings | undefined {
  if (optional(env, "EXCHANGE_TENANT_ID") === undefined) return undefined;
  const app = readEntraApp(env, "EXCHANGE_", "the Exchange admin app");
  const baseUrl = httpsOrigin(env, "EXCHANGE_BASE_URL", DEFAULT_EXCHANGE_BASE_URL);
  const authorityHost = httpsOrigin(env, "EXCHANGE_AUTHORITY_HOST", "https://login.microsoftonline.com");
  const caCertPem = readCaCertificate(env, "EXCHANGE_CA_CERT_PATH");
  return {
    connection: {
      ...app,
      baseUrl: baseUrl ?? DEFAULT_EXCHANGE_BASE_URL,
      ...(authorityHost !== undefined ? { authorityHost } : {}),
      ...(caCertPem !== undefined ? { caCertPem } : {}),
    },
    maxConcurrentRequests: intSetting(env, "EXCHANGE_MAX_CONCURRENT_REQUESTS", {
      min: 1,
      max: 64,
      fallback: DEFAULT_EXCHANGE_CONCURRENCY,
      unit: "requests in flight",
    }),
  };
}
