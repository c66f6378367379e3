/**
 * Issues and checks the simulator's tokens: Graph access tokens (audience, tenant, app roles,
 * expiry) and the import-session tokens embedded in import URLs.
 */
import { randomBytes, randomUUID } from "node:crypto";
import type { AppDirectory, AppRegistration } from "./apps.js";
import { nowSeconds, signHs256, verifyHs256 } from "./jwt.js";

/** The caller behind a valid access token. */
export interface Principal {
  readonly app: AppRegistration;
  readonly tenantId: string;
  readonly roles: ReadonlySet<string>;
}

export type TokenCheck = { ok: true; principal: Principal } | { ok: false; message: string };

export interface ImportGrant {
  readonly app: AppRegistration;
  readonly mailboxId: string;
  readonly expiresAtMs: number;
}

const IMPORT_AUDIENCE = "urn:mailferry:simulator:import";

export class TokenService {
  private readonly key = randomBytes(32);
  private readonly keyId = randomBytes(8).toString("hex");

  constructor(
    private readonly apps: AppDirectory,
    /** Audiences Graph accepts: the public Graph resource and the simulator's own base URL. */
    private readonly audiences: readonly string[],
  ) {}

  /** The audience a scope such as `https://graph.microsoft.com/.default` asks for, if it is Graph. */
  audienceForScope(scope: string): string | undefined {
    const resource = scope
      .split(/\s+/)
      .find((part) => part.endsWith("/.default"))
      ?.slice(0, -"/.default".length)
      .replace(/\/+$/, "");
    return resource !== undefined && this.audiences.includes(resource) ? resource : undefined;
  }

  /** An app-only access token, as Entra ID returns from the client credentials grant. */
  issueAccessToken(app: AppRegistration, audience: string, lifetimeSeconds: number): string {
    const now = nowSeconds();
    return signHs256(
      {
        aud: audience,
        iss: `https://sts.windows.net/${app.tenantId}/`,
        iat: now,
        nbf: now,
        exp: now + lifetimeSeconds,
        app_displayname: app.displayName,
        appid: app.clientId,
        idtyp: "app",
        oid: app.servicePrincipalId,
        sub: app.servicePrincipalId,
        roles: [...app.roles],
        tid: app.tenantId,
        uti: randomUUID(),
        ver: "1.0",
      },
      this.key,
      this.keyId,
    );
  }

  /** Checks signature, audience, lifetime and that the app still exists. */
  checkAccessToken(token: string): TokenCheck {
    const claims = verifyHs256(token, this.key);
    if (!claims) return { ok: false, message: "Invalid signature or malformed token." };
    const now = nowSeconds();
    if (typeof claims.exp !== "number" || claims.exp <= now) {
      return { ok: false, message: "Lifetime validation failed, the token is expired." };
    }
    if (typeof claims.nbf === "number" && claims.nbf > now) {
      return { ok: false, message: "Lifetime validation failed, the token is not yet valid." };
    }
    if (typeof claims.aud !== "string" || !this.audiences.includes(claims.aud)) {
      return { ok: false, message: "Invalid audience." };
    }
    if (typeof claims.tid !== "string" || typeof claims.appid !== "string") {
      return { ok: false, message: "The token has no tenant or application." };
    }
    const app = this.apps.find(claims.tid, claims.appid);
    if (!app) return { ok: false, message: "The application does not exist in the tenant." };
    const roles = Array.isArray(claims.roles)
      ? claims.roles.filter((r): r is string => typeof r === "string")
      : [];
    return { ok: true, principal: { app, tenantId: app.tenantId, roles: new Set(roles) } };
  }

  /** The opaque token of an import URL: bound to one app and one mailbox, and expiring. */
  issueImportToken(app: AppRegistration, mailboxId: string, expiresAtMs: number): string {
    return signHs256(
      // Milliseconds, so short test lifetimes are exact.
      { aud: IMPORT_AUDIENCE, tid: app.tenantId, appid: app.clientId, mbx: mailboxId, exp_ms: expiresAtMs },
      this.key,
      this.keyId,
    );
  }

  /** The grant behind an import token, or why it is refused. */
  checkImportToken(token: string): { ok: true; grant: ImportGrant } | { ok: false; expired: boolean } {
    const claims = verifyHs256(token, this.key);
    if (
      !claims ||
      claims.aud !== IMPORT_AUDIENCE ||
      typeof claims.tid !== "string" ||
      typeof claims.appid !== "string" ||
      typeof claims.mbx !== "string" ||
      typeof claims.exp_ms !== "number"
    ) {
      return { ok: false, expired: false };
    }
    if (claims.exp_ms <= Date.now()) return { ok: false, expired: true };
    const app = this.apps.find(claims.tid, claims.appid);
    if (!app) return { ok: false, expired: false };
    return { ok: true, grant: { app, mailboxId: claims.mbx, expiresAtMs: claims.exp_ms } };
  }
}
