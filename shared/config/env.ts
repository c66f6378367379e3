import { z } from "zod";
import { ConfigError } from "./errors.js";

/** The environment a configuration section is read from (process.env in production). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * What App Service leaves in a setting whose Key Vault reference it could not resolve: the
 * reference text itself (see "Use Key Vault references" in the App Service documentation).
 */
const UNRESOLVED_KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;

/**
 * Reads one optional setting, treating empty strings as absent. A Key Vault reference that did not
 * resolve is a ConfigError naming the setting, never a value.
 */
export function optional(env: Env, name: string): string | undefined {
  const value = env[name];
  if (value === undefined || value.trim() === "") return undefined;
  if (UNRESOLVED_KEY_VAULT_REFERENCE.test(value.trim())) {
    throw new ConfigError(
      name,
      "is a Key Vault reference that did not resolve: check the secret exists and that the app's identity holds Key Vault Secrets User on the vault (the portal's Environment variables page shows the reference's status)",
    );
  }
  return value.trim();
}

/** Reads one required setting or throws a ConfigError naming it. */
export function required(env: Env, name: string, hint?: string): string {
  const value = optional(env, name);
  if (value === undefined) throw new ConfigError(name, `is required${hint ? ` (${hint})` : ""}`);
  return value;
}

/** Parses a setting with a zod schema; the error names the setting and what was wrong. */
export function parseSetting<T>(env: Env, name: string, schema: z.ZodType<T>, fallback: T): T {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const result = schema.safeParse(raw);
  if (!result.success) {
    const reason = result.error.issues.map((issue) => issue.message).join("; ");
    throw new ConfigError(name, `${JSON.stringify(raw)} is not valid: ${reason}`);
  }
  return result.data;
}

/** A positive integer setting, e.g. `z.coerce.number().int().positive()`. */
export const positiveInt = z.coerce.number().int().positive();

/** A boolean setting spelled true/false/1/0. */
export const booleanSetting = z
  .enum(["true", "false", "1", "0", "TRUE", "FALSE", "True", "False"])
  .transform((value) => value === "true" || value === "1" || value.toLowerCase() === "true");
