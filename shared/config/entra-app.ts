import { readFileSync } from "node:fs";
import { type Env, GUID, invalidSetting, optional, required } from "./env.js";
import { ConfigError } from "./errors.js";

/** An Entra app registration the service signs in as, app-only, by secret or certificate. */
export interface EntraAppSettings {
  readonly tenantId: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly certificatePath?: string;
}

const DOMAIN = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

/**
 * Reads an optional `https://` origin setting (no path, no query); `example` shows the public
 * cloud's value in the error.
 */
export function httpsOrigin(env: Env, name: string, example: string): string | undefined {
  const raw = optional(env, name);
  if (raw === undefined) return undefined;
  const allowed = `an https:// origin without a path, e.g. ${example}`;
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

/** Reads a PEM file a setting names, refusing one that cannot be read or holds no `what`. */
export function readPem(name: string, path: string, what: RegExp, description: string): string {
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

/** Reads an optional CA certificate setting (the local simulators' TLS only). */
export function readCaCertificate(env: Env, name: string): string | undefined {
  const path = optional(env, name);
  return path === undefined
    ? undefined
    : readPem(name, path, /-----BEGIN CERTIFICATE-----/, "a PEM certificate");
}

/**
 * Reads `<prefix>TENANT_ID`, `<prefix>CLIENT_ID` and exactly one of `<prefix>CLIENT_SECRET` or
 * `<prefix>CERTIFICATE_PATH`; `purpose` says in errors which app is meant.
 */
export function readEntraApp(env: Env, prefix: string, purpose: string): EntraAppSettings {
  const tenantId = required(env, `${prefix}TENANT_ID`, "the Entra tenant id or its primary domain");
  if (!GUID.test(tenantId) && !DOMAIN.test(tenantId)) {
    throw invalidSetting(
      `${prefix}TENANT_ID`,
      tenantId,
      "a tenant GUID or a domain name such as contoso.com",
    );
  }
  const clientId = required(env, `${prefix}CLIENT_ID`, `the application (client) id of ${purpose}`);
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
    tenantId,
    clientId,
    ...(clientSecret !== undefined ? { clientSecret } : {}),
    ...(certificatePath !== undefined ? { certificatePath } : {}),
  };
}
