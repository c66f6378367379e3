import { z } from "zod";
import { redactText } from "./redact.js";
import { findSetting } from "./catalog.js";
import { ConfigError } from "./errors.js";

/** The environment a configuration section is read from (process.env in production). */
export type Env = Readonly<Record<string, string | undefined>>;

/**
 * What App Service leaves in a setting whose Key Vault reference it could not resolve: the
 * reference text itself (see "Use Key Vault references" in the App Service documentation).
 */
const UNRESOLVED_KEY_VAULT_REFERENCE = /^@Microsoft\.KeyVault\(/i;

/** Longest part of a value an error quotes; a pasted file should not fill the log. */
const QUOTED_VALUE_LIMIT = 120;

/**
 * A setting's value as an error may show it: never a secret's (the catalog marks them), and with
 * credential-looking parts (AccountKey=, SharedAccessKey=, ...) of any other value blanked.
 */
export function quoteSettingValue(name: string, raw: string): string {
  if (findSetting(name)?.secret === true) return "(value hidden: a secret)";
  const shown = raw.length > QUOTED_VALUE_LIMIT ? `${raw.slice(0, QUOTED_VALUE_LIMIT)}…` : raw;
  return redactText(JSON.stringify(shown));
}

/** The error for a value outside what a setting allows: names the setting, its value and the rule. */
export function invalidSetting(name: string, raw: string, allowed: string): ConfigError {
  return new ConfigError(name, `${quoteSettingValue(name, raw)} is not valid: allowed is ${allowed}`);
}

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

/**
 * Parses a setting with a zod schema; the error names the setting, its value and `allowed`, what
 * the setting accepts in words.
 */
export function parseSetting<T>(
  env: Env,
  name: string,
  schema: z.ZodType<T>,
  fallback: T,
  allowed: string,
): T {
  const raw = optional(env, name);
  if (raw === undefined) return fallback;
  const result = schema.safeParse(raw);
  if (!result.success) throw invalidSetting(name, raw, allowed);
  return result.data;
}

/** A whole-number setting within [min, max]; `unit` names what it counts, for the error. */
export function intSetting(
  env: Env,
  name: string,
  range: { readonly min: number; readonly max: number; readonly fallback: number; readonly unit?: string },
): number {
  const unit = range.unit === undefined ? "" : ` (${range.unit})`;
  return parseSetting(
    env,
    name,
    z
      .string()
      .regex(/^[+-]?\d+$/)
      .transform(Number)
      .pipe(z.number().int().min(range.min).max(range.max)),
    range.fallback,
    `a whole number from ${range.min} to ${range.max}${unit}`,
  );
}

/** A number setting above `above` (exclusive) and up to `max` (inclusive). */
export function numberSetting(
  env: Env,
  name: string,
  range: { readonly above: number; readonly max: number; readonly fallback: number; readonly unit?: string },
): number {
  const unit = range.unit === undefined ? "" : ` (${range.unit})`;
  return parseSetting(
    env,
    name,
    z
      .string()
      .regex(/^[+-]?(\d+\.?\d*|\.\d+)$/)
      .transform(Number)
      .pipe(z.number().gt(range.above).lte(range.max)),
    range.fallback,
    `a number above ${range.above} and at most ${range.max}${unit}`,
  );
}

/** A setting that takes one of a few words. */
export function choiceSetting<T extends string>(
  env: Env,
  name: string,
  choices: readonly [T, ...T[]],
  fallback: T,
): T {
  return parseSetting(env, name, z.enum(choices), fallback, `one of ${choices.join(", ")}`);
}

/** A GUID such as an application (client) id. */
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An optional GUID setting (a client id). */
export function guidSetting(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value !== undefined && !GUID.test(value)) {
    throw invalidSetting(name, value, "a GUID such as 00000000-0000-0000-0000-000000000000");
  }
  return value;
}

/** A positive integer setting, e.g. `z.coerce.number().int().positive()`. */
export const positiveInt = z.coerce.number().int().positive();

/** A boolean setting spelled true/false/1/0. */
export const booleanSetting = z
  .enum(["true", "false", "1", "0", "TRUE", "FALSE", "True", "False"])
  .transform((value) => value === "true" || value === "1" || value.toLowerCase() === "true");
