import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, type Env } from "../../shared/config/index.js";
import { HostConfigurationError } from "./errors.js";

/** The parts of host.json the local host honours. */
export interface HostJsonSettings {
  readonly serviceBus: {
    readonly maxConcurrentCalls: number;
    readonly autoCompleteMessages: boolean;
    readonly maxAutoLockRenewalDurationMs: number;
  };
  readonly functionTimeoutMs: number;
}

const TIMESPAN = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/;

/** Parses a .NET TimeSpan as host.json writes it ("00:05:00", "1.02:00:00"). */
export function parseTimeSpan(value: string, where: string): number {
  const match = TIMESPAN.exec(value);
  if (!match)
    throw new HostConfigurationError(
      `host.json ${where}: ${JSON.stringify(value)} is not a time span like 00:05:00`,
    );
  const [, days, hours, minutes, seconds, fraction] = match;
  const ms =
    ((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 +
    Number(seconds) * 1000 +
    Math.round(Number(`0.${fraction ?? "0"}`) * 1000);
  return ms;
}

const hostJsonSchema = z.object({
  functionTimeout: z.string().optional(),
  extensions: z
    .object({
      serviceBus: z
        .object({
          // The Service Bus extension refuses anything below 1 (ServiceBusOptions.MaxConcurrentCalls).
          maxConcurrentCalls: z
            .number()
            .int("allowed is a whole number of at least 1")
            .min(1, "allowed is a whole number of at least 1")
            .optional(),
          autoCompleteMessages: z.boolean("allowed is true or false").optional(),
          maxAutoLockRenewalDuration: z.string().optional(),
        })
        .loose()
        .optional(),
    })
    .loose()
    .optional(),
});

/** App settings named `AzureFunctionsJobHost__<path>` override host.json, as the Functions host reads them. */
const OVERRIDE_PREFIX = "AzureFunctionsJobHost__";

/** The host.json paths the local host honours, spelled as host.json spells them. */
const HONOURED_PATHS: readonly string[] = [
  "functionTimeout",
  "extensions.serviceBus.maxConcurrentCalls",
  "extensions.serviceBus.autoCompleteMessages",
  "extensions.serviceBus.maxAutoLockRenewalDuration",
];

/** A setting's text as the .NET configuration binder would bind it: a number, a boolean, or text. */
function boundValue(text: string): unknown {
  const trimmed = text.trim();
  if (/^[+-]?\d+$/.test(trimmed)) return Number(trimmed);
  if (/^(true|false)$/i.test(trimmed)) return trimmed.toLowerCase() === "true";
  return trimmed;
}

/**
 * Applies the `AzureFunctionsJobHost__...` settings to host.json's object, as the Functions host
 * does (names case-insensitive, `__` between levels). One the local host does not honour is
 * refused rather than ignored, so a run never differs silently from what the settings say.
 * Returns which host.json path each setting replaced.
 */
function applyOverrides(raw: unknown, env: Env): Map<string, string> {
  const applied = new Map<string, string>();
  if (typeof raw !== "object" || raw === null) return applied;
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || !name.toLowerCase().startsWith(OVERRIDE_PREFIX.toLowerCase())) continue;
    const wanted = name.slice(OVERRIDE_PREFIX.length).split("__").join(".").toLowerCase();
    const path = HONOURED_PATHS.find((candidate) => candidate.toLowerCase() === wanted);
    if (path === undefined) {
      throw new ConfigError(
        name,
        `the local host does not honour this host.json override (it honours ${HONOURED_PATHS.map((honoured) => OVERRIDE_PREFIX + honoured.split(".").join("__")).join(", ")})`,
      );
    }
    let node = raw as Record<string, unknown>;
    const keys = path.split(".");
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== "object" || next === null) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys[keys.length - 1] ?? path] = boundValue(value);
    applied.set(path, name);
  }
  return applied;
}

/**
 * Reads host.json (Azure's defaults for anything it leaves out), with the `AzureFunctionsJobHost__`
 * app settings in `env` overriding it; an invalid value names the setting it came from.
 */
export function parseHostJson(text: string, env: Env = {}): HostJsonSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new HostConfigurationError("host.json is not valid JSON", { cause: error });
  }
  const overridden = applyOverrides(raw, env);
  const parsed = hostJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join(".") ?? "";
    const setting = overridden.get(path);
    const reason = issue?.message ?? "invalid";
    if (setting !== undefined) {
      throw new ConfigError(
        setting,
        `${JSON.stringify(env[setting] ?? "")} is not valid (it overrides host.json ${path}): ${reason}`,
      );
    }
    throw new HostConfigurationError(`host.json ${path}: ${reason}`);
  }
  const serviceBus = parsed.data.extensions?.serviceBus;
  return {
    serviceBus: {
      // Azure's default is 16 per processor; locally one "processor" keeps the emulator honest.
      maxConcurrentCalls: serviceBus?.maxConcurrentCalls ?? 16,
      autoCompleteMessages: serviceBus?.autoCompleteMessages ?? true,
      maxAutoLockRenewalDurationMs: parseTimeSpan(
        serviceBus?.maxAutoLockRenewalDuration ?? "00:05:00",
        "extensions.serviceBus.maxAutoLockRenewalDuration",
      ),
    },
    functionTimeoutMs: parseTimeSpan(parsed.data.functionTimeout ?? "00:10:00", "functionTimeout"),
  };
}

/** Reads and parses a host.json file, with the app settings' overrides. */
export function readHostJson(path: string, env: Env = {}): HostJsonSettings {
  return parseHostJson(readFileSync(path, "utf8"), env);
}
