/**
 * The Entra-shaped token authority in front of the simulated Exchange Online: the v2.0 token
 * endpoint with the client credentials grant (client secret or certificate-signed assertion), as
 * `@azure/identity` calls it, issuing app-only tokens for `https://outlook.office365.com` with the
 * app's roles. Tokens and registrations are the Graph simulator's own classes, so both behave alike.
 */
import { randomUUID, timingSafeEqual } from "node:crypto";
import type { AppDirectory, AppRegistration } from "../graph/auth/apps.js";
import { decodeJwt, nowSeconds, verifyRsaSignature } from "../graph/auth/jwt.js";
import type { TokenService } from "../graph/auth/tokens.js";

const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** The application permission Exchange Online's admin API requires (Office 365 Exchange Online). */
export const MANAGE_AS_APP = "Exchange.ManageAsApp";

export interface AuthorityResponse {
  readonly status: number;
  readonly body: unknown;
}

function entraError(status: number, error: string, code: number, description: string): AuthorityResponse {
  const timestamp = new Date().toISOString();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
    },
  };
}

function secretMatches(app: AppRegistration, secret: string): boolean {
  const expected = Buffer.from(app.clientSecret, "utf8");
  const given = Buffer.from(secret, "utf8");
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function assertionProblem(
  app: AppRegistration,
  assertion: string,
  tokenPath: string,
): AuthorityResponse | undefined {
  const decoded = decodeJwt(assertion);
  const certificate = app.certificate;
  if (
    decoded === undefined ||
    certificate === undefined ||
    !verifyRsaSignature(decoded, certificate.publicKey)
  )
    return entraError(401, "invalid_client", 700027, "Client assertion failed signature validation.");
  if (decoded.header.x5t !== certificate.x5t && decoded.header["x5t#S256"] !== certificate.x5tS256)
    return entraError(
      401,
      "invalid_client",
      700027,
      "The certificate with the given thumbprint is not registered on the application.",
    );
  const { claims } = decoded;
  if (typeof claims.exp !== "number" || claims.exp <= nowSeconds())
    return entraError(401, "invalid_client", 700024, "Client assertion is not within its valid time range.");
  if (claims.iss !== app.clientId || claims.sub !== app.clientId)
    return entraError(
      401,
      "invalid_client",
      700021,
      "Client assertion application identifier does not match.",
    );
  if (typeof claims.aud !== "string" || !(claims.aud.split("?")[0] ?? "").endsWith(tokenPath))
    return entraError(401, "invalid_client", 700021, "Client assertion audience is not the token endpoint.");
  return undefined;
}

/** `POST /{tenant}/oauth2/v2.0/token`. */
export function issueToken(
  apps: AppDirectory,
  tokens: TokenService,
  tenantId: string,
  tenantSegment: string,
  form: URLSearchParams,
  lifetimeSeconds: number,
): AuthorityResponse {
  if (tenantSegment.toLowerCase() !== tenantId)
    return entraError(400, "invalid_request", 90002, `Tenant '${tenantSegment}' not found.`);
  if (form.get("grant_type") !== "client_credentials")
    return entraError(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
  const clientId = form.get("client_id") ?? "";
  const app = apps.find(tenantId, clientId);
  if (app === undefined)
    return entraError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory.`,
    );
  const secret = form.get("client_secret");
  const assertion = form.get("client_assertion");
  if (secret !== null) {
    if (!secretMatches(app, secret))
      return entraError(401, "invalid_client", 7000215, "Invalid client secret provided.");
  } else if (assertion !== null && form.get("client_assertion_type") === ASSERTION_TYPE) {
    const refused = assertionProblem(app, assertion, `/${tenantSegment}/oauth2/v2.0/token`);
    if (refused !== undefined) return refused;
  } else {
    return entraError(
      401,
      "invalid_client",
      7000218,
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    );
  }
  const scope = form.get("scope") ?? "";
  const audience = tokens.audienceForScope(scope);
  if (audience === undefined)
    return entraError(400, "invalid_scope", 1002012, `The provided value for scope ${scope} is not valid.`);
  return {
    status: 200,
    body: {
      token_type: "Bearer",
      expires_in: lifetimeSeconds,
      ext_expires_in: lifetimeSeconds,
      access_token: tokens.issueAccessToken(app, audience, lifetimeSeconds),
    },
  };
}
