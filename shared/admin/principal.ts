/**
 * Who is calling the admin API. App Service authentication signs the caller in and passes the
 * principal to the app as `x-ms-client-principal`: base64 JSON with the token's claims. App roles
 * arrive as claims of type `roles` (or of the principal's `role_typ`).
 */
import { z } from "zod";
import { ForbiddenError, UnauthenticatedError } from "./errors.js";

export const PRINCIPAL_HEADER = "x-ms-client-principal";

/** App roles of the mailferry API registration. */
export const ROLES = {
  /** May read status, accounts, failures, the dead-letter queue and reports. */
  reader: "Migration.Reader",
  /** May also retry, replay, purge and steer waves. */
  operator: "Migration.Operator",
} as const;

/** What an operation needs: to read, or to change something. */
export type Access = "read" | "change";

export interface Principal {
  /** A name for the record: the user's UPN or name, else their object id. */
  readonly name: string;
  readonly roles: readonly string[];
}

const principalSchema = z.object({
  auth_typ: z.string().optional(),
  name_typ: z.string().optional(),
  role_typ: z.string().optional(),
  claims: z.array(z.object({ typ: z.string(), val: z.string() })),
});

const NAME_CLAIMS = [
  "preferred_username",
  "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
  "name",
  "http://schemas.microsoft.com/identity/claims/objectidentifier",
  "oid",
];

/** Reads the principal header; undefined when there is none, UnauthenticatedError when unreadable. */
export function readPrincipal(header: string | null | undefined): Principal | undefined {
  if (header === null || header === undefined || header.trim() === "") return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(header.trim(), "base64").toString("utf8")) as unknown;
  } catch (error) {
    throw new UnauthenticatedError(`the ${PRINCIPAL_HEADER} header is not base64-encoded JSON`, {
      cause: error,
    });
  }
  const parsed = principalSchema.safeParse(decoded);
  if (!parsed.success) {
    throw new UnauthenticatedError(`the ${PRINCIPAL_HEADER} header does not hold a claims array`);
  }
  const { claims, name_typ: nameType, role_typ: roleType } = parsed.data;
  const roleTypes = new Set(["roles", ...(roleType !== undefined ? [roleType] : [])]);
  const roles = [...new Set(claims.filter((claim) => roleTypes.has(claim.typ)).map((claim) => claim.val))];
  const nameTypes = [...(nameType !== undefined ? [nameType] : []), ...NAME_CLAIMS];
  let name: string | undefined;
  for (const type of nameTypes) {
    name = claims.find((claim) => claim.typ === type && claim.val.trim() !== "")?.val;
    if (name !== undefined) break;
  }
  return { name: name ?? "unnamed principal", roles };
}

/**
 * The caller's principal, when the platform vouches for it. App Service authentication removes a
 * caller's own `x-ms-client-principal` and writes the signed-in one; with authentication off the
 * header is whatever the caller wrote, so it identifies no one and every call is refused.
 */
export function trustedPrincipal(
  header: string | null | undefined,
  platform: { readonly authenticationEnabled: boolean },
): Principal | undefined {
  if (!platform.authenticationEnabled) {
    throw new UnauthenticatedError(
      `App Service authentication is off for this app, so no caller can be signed in and the ${PRINCIPAL_HEADER} header is not trusted: turn authentication on (docs/deploy.md, "Who may call the admin API")`,
    );
  }
  return readPrincipal(header);
}

/** The role an access needs. */
export function roleFor(access: Access): string {
  return access === "read" ? ROLES.reader : ROLES.operator;
}

/** Whether the principal may perform an access (an operator may also read). */
export function allows(principal: Principal, access: Access): boolean {
  if (principal.roles.includes(ROLES.operator)) return true;
  return access === "read" && principal.roles.includes(ROLES.reader);
}

/** The principal if it may perform `access`; otherwise UnauthenticatedError or ForbiddenError. */
export function authorize(principal: Principal | undefined, access: Access): Principal {
  if (principal === undefined) {
    throw new UnauthenticatedError(
      `sign in first: the request carries no ${PRINCIPAL_HEADER} (App Service authentication)`,
    );
  }
  if (!allows(principal, access)) {
    const ours = principal.roles.filter((role) => role === ROLES.reader || role === ROLES.operator);
    throw new ForbiddenError(roleFor(access), ours);
  }
  return principal;
}

/** Encodes a principal header, as App Service would send it; for the local stack and tests. */
export function encodePrincipal(name: string, roles: readonly string[]): string {
  const claims = [
    { typ: "name", val: name },
    { typ: "preferred_username", val: name },
    ...roles.map((role) => ({ typ: "roles", val: role })),
  ];
  return Buffer.from(
    JSON.stringify({ auth_typ: "aad", name_typ: "preferred_username", role_typ: "roles", claims }),
    "utf8",
  ).toString("base64");
}
