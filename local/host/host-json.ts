import { readFileSync } from "node:fs";
import { z } from "zod";
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
          maxConcurrentCalls: z.number().int().positive().optional(),
          autoCompleteMessages: z.boolean().optional(),
          maxAutoLockRenewalDuration: z.string().optional(),
        })
        .loose()
        .optional(),
    })
    .loose()
    .optional(),
});

/** Reads host.json (Azure's defaults for anything it leaves out). */
export function parseHostJson(text: string): HostJsonSettings {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new HostConfigurationError("host.json is not valid JSON", { cause: error });
  }
  const parsed = hostJsonSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HostConfigurationError(
      `host.json ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`,
    );
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

/** Reads and parses a host.json file. */
export function readHostJson(path: string): HostJsonSettings {
  return parseHostJson(readFileSync(path, "utf8"));
}
