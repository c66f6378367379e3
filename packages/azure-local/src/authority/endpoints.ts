/**
 * The Entra ID endpoints a confidential client needs: OpenID metadata and the v2.0 token endpoint
 * with the client credentials grant, authenticated by client secret (in the form or HTTP Basic) or
 * by a certificate-signed client assertion. Errors follow Entra ID's shape (`error`,
 * `error_description`, `error_codes`). The Graph and the Exchange simulators both answer with it.
 */
import { randomUUID, timingSafeEqual } from "node:crypto";
import type { AppDirectory, AppRegistration } from "./apps.js";
import { decodeJwt, nowSeconds, verifyRsaSignature } from "./jwt.js";
import type { TokenService } from "./tokens.js";

/** A tenant the authority issues tokens for. */
export interface AuthorityTenant {
  readonly tenantId: string;
  /** The tenant's initial domain, named in "application not found" errors. */
  readonly domain: string;
}

/** What one simulator's token authority knows: its apps, its tokens and how it names tenants. */
export interface Authority {
  /** `https://127.0.0.1:<port>`, the authority host clients are given. */
  readonly baseUrl: string;
  readonly apps: AppDirectory;
  readonly tokens: TokenService;
  readonly tokenLifetimeSeconds: number;
  /** The tenant a path segment (id or domain) names, or undefined when it names none. */
  tenant(segment: string): AuthorityTenant | undefined;
  /** Told of every access token issued (the Graph simulator counts them). */
  onTokenIssued?(): void;
}

/** An answer of the authority: status, headers and a JSON body. */
export interface AuthorityResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

function entraError(status: number, error: string, code: number, description: string): AuthorityResponse {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString();
  return {
    status,
    headers: { "Cache-Control": "no-store, no-cache" },
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
    },
  };
}

/** `GET /{tenant}/v2.0/.well-known/openid-configuration`. */
export function openIdConfiguration(authority: Authority, tenantSegment: string): AuthorityResponse {
  const tenant = authority.tenant(tenantSegment);
  if (!tenant) {
    return entraError(400, "invalid_tenant", 90002, `Tenant '${tenantSegment}' not found.`);
  }
  const base = `${authority.baseUrl}/${tenant.tenantId}`;
  return {
    status: 200,
    headers: {},
    body: {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${base}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${authority.baseUrl}/oidc/userinfo`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "nonce", "tid", "ver"],
      tenant_region_scope: "EU",
      cloud_instance_name: "microsoftonline.com",
      cloud_graph_host_name: "graph.windows.net",
      msgraph_host: "graph.microsoft.com",
    },
  };
}

function secretMatches(app: AppRegistration, secret: string): boolean {
  const expected = Buffer.from(app.clientSecret, "utf8");
  const given = Buffer.from(secret, "utf8");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Checks a certificate-signed client assertion; returns an error response or undefined if valid. */
function checkAssertion(
  app: AppRegistration,
  assertion: string,
  tokenPath: string,
): AuthorityResponse | undefined {
  const decoded = decodeJwt(assertion);
  const certificate = app.certificate;
  if (!decoded || !certificate) {
    return entraError(401, "invalid_client", 700027, "Client assertion failed signature validation.");
  }
  const x5t = decoded.header.x5t;
  const x5tS256 = decoded.header["x5t#S256"];
  if (x5t !== certificate.x5t && x5tS256 !== certificate.x5tS256) {
    return entraError(
      401,
      "invalid_client",
      700027,
      "The certificate with the given thumbprint is not registered on the application.",
    );
  }
  if (!verifyRsaSignature(decoded, certificate.publicKey)) {
    return entraError(401, "invalid_client", 700027, "Client assertion failed signature validation.");
  }
  const { claims } = decoded;
  const now = nowSeconds();
  if (typeof claims.exp !== "number" || claims.exp <= now) {
    return entraError(401, "invalid_client", 700024, "Client assertion is not within its valid time range.");
  }
  if (claims.iss !== app.clientId || claims.sub !== app.clientId) {
    return entraError(
      401,
      "invalid_client",
      700021,
      "Client assertion application identifier does not match.",
    );
  }
  const audience = typeof claims.aud === "string" ? claims.aud : "";
  if (!audience.split("?")[0]?.endsWith(tokenPath)) {
    return entraError(401, "invalid_client", 700021, "Client assertion audience is not the token endpoint.");
  }
  return undefined;
}

/** `POST /{tenant}/oauth2/v2.0/token` with `grant_type=client_credentials`. */
export function tokenEndpoint(
  authority: Authority,
  tenantSegment: string,
  form: URLSearchParams,
  authorization: string | undefined,
): AuthorityResponse {
  const tenant = authority.tenant(tenantSegment);
  if (!tenant) {
    return entraError(400, "invalid_request", 90002, `Tenant '${tenantSegment}' not found.`);
  }
  if (form.get("grant_type") !== "client_credentials") {
    return entraError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
  }
  let clientId = form.get("client_id") ?? "";
  let secret = form.get("client_secret") ?? undefined;
  const basic = /^Basic\s+(.+)$/i.exec(authorization ?? "")?.[1];
  if (basic) {
    const [user, pass] = Buffer.from(basic, "base64").toString("utf8").split(":");
    clientId = decodeURIComponent(user ?? "");
    secret = decodeURIComponent(pass ?? "");
  }
  const app = authority.apps.find(tenant.tenantId, clientId);
  if (!app) {
    return entraError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant.domain}'.`,
    );
  }
  const assertion = form.get("client_assertion");
  if (secret !== undefined) {
    if (!secretMatches(app, secret)) {
      return entraError(401, "invalid_client", 7000215, "Invalid client secret provided.");
    }
  } else if (assertion !== null && form.get("client_assertion_type") === ASSERTION_TYPE) {
    const refused = checkAssertion(app, assertion, `/${tenantSegment}/oauth2/v2.0/token`);
    if (refused) return refused;
  } else {
    return entraError(
      401,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  const scope = form.get("scope") ?? "";
  const audience = authority.tokens.audienceForScope(scope);
  if (!audience) {
    return entraError(400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid.`);
  }
  const lifetime = authority.tokenLifetimeSeconds;
  authority.onTokenIssued?.();
  return {
    status: 200,
    headers: { "Cache-Control": "no-store, no-cache" },
    body: {
      token_type: "Bearer",
      expires_in: lifetime,
      ext_expires_in: lifetime,
      access_token: authority.tokens.issueAccessToken(app, audience, lifetime),
    },
  };
}

const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/i;
const METADATA_PATH = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/i;

/** The identity endpoint response for this request, or undefined if it is not one of them. */
export function authorityRoute(
  authority: Authority,
  method: string,
  path: string,
  body: Buffer,
  authorization: string | undefined,
): AuthorityResponse | undefined {
  const token = TOKEN_PATH.exec(path)?.[1];
  if (token !== undefined && method === "POST") {
    return tokenEndpoint(
      authority,
      decodeURIComponent(token),
      new URLSearchParams(body.toString("utf8")),
      authorization,
    );
  }
  const metadata = METADATA_PATH.exec(path)?.[1];
  if (metadata !== undefined && method === "GET")
    return openIdConfiguration(authority, decodeURIComponent(metadata));
  return undefined;
}
