import { z } from "zod";
import { invalidSetting, optional, type Env } from "./env.js";

/** The setting that runs the app on an accelerated clock; the embedded stack sets it, Azure never. */
export const CLOCK_SETTING = "MAILFERRY_ACCELERATED_CLOCK";

/** An accelerated clock: `factor` times real time, showing `virtualStart` at real `realStart`. */
export interface ClockSettings {
  readonly factor: number;
  readonly realStart: Date;
  readonly virtualStart: Date;
}

const clockSchema = z.object({
  factor: z.number().positive().max(1_000_000),
  realStart: z.iso.datetime().transform((value) => new Date(value)),
  virtualStart: z.iso.datetime().transform((value) => new Date(value)),
});

/** Reads the accelerated clock, or undefined for the wall clock. */
export function readClockSettings(env: Env): ClockSettings | undefined {
  const raw = optional(env, CLOCK_SETTING);
  if (raw === undefined) return undefined;
  const allowed =
    'JSON like {"factor":60,"realStart":"<ISO time>","virtualStart":"<ISO time>"} with a factor from above 0 to 1,000,000';
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw invalidSetting(CLOCK_SETTING, raw, allowed);
  }
  const parsed = clockSchema.safeParse(json);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((issue) => `${issue.path.join(".")} ${issue.message}`).join("; ");
    throw invalidSetting(CLOCK_SETTING, raw, `${allowed} (${reason})`);
  }
  return parsed.data;
}

/** The setting's value for an accelerated clock. */
export function clockSettingValue(settings: ClockSettings): string {
  return JSON.stringify({
    factor: settings.factor,
    realStart: settings.realStart.toISOString(),
    virtualStart: settings.virtualStart.toISOString(),
  });
}
