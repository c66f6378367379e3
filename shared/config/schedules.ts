import { Cron } from "croner";
import { isTimeZone } from "../domain/wave.js";
import { ianaTimeZone, TIME_ZONE_RULE } from "../domain/zones.js";
import { type Env, invalidSetting, optional, required } from "./env.js";

/** The timer functions' schedules, by the setting each `%NAME%` binding expression names. */
export interface ScheduleSettings {
  readonly scheduler: string;
  readonly sweeper: string;
  readonly alerts: string;
  /** The watcher that follows hybrid moves. */
  readonly watch: string;
  /** Default zone for new waves that name none (planned; each wave keeps its own zone). */
  readonly defaultTimeZone: string | undefined;
}

const NCRONTAB_ALLOWED =
  'an NCRONTAB expression of six fields {second} {minute} {hour} {day} {month} {day-of-week}, e.g. "0 * * * * *"';

/**
 * Whether `expression` is an NCRONTAB schedule the timer trigger accepts: six fields, seconds
 * first (Flex Consumption takes no TimeSpan schedules).
 */
export function isNcrontab(expression: string): boolean {
  if (expression.trim().split(/\s+/).length !== 6) return false;
  try {
    new Cron(expression, { timezone: "UTC", paused: true });
    return true;
  } catch {
    return false;
  }
}

function schedule(env: Env, name: string): string {
  const value = required(env, name, `the timer's schedule, ${NCRONTAB_ALLOWED}`);
  if (!isNcrontab(value)) throw invalidSetting(name, value, NCRONTAB_ALLOWED);
  return value;
}

/**
 * Reads the timer schedules. The Functions host resolves them from the bindings; a host that
 * cannot only marks the one function as in error and keeps running, so the app checks them at
 * start and refuses to run half-scheduled.
 */
export function readScheduleSettings(env: Env): ScheduleSettings {
  const given = optional(env, "MAILFERRY_TIME_ZONE");
  const zone = given === undefined ? undefined : ianaTimeZone(given);
  if (given !== undefined && (zone === undefined || !isTimeZone(zone))) {
    throw invalidSetting("MAILFERRY_TIME_ZONE", given, TIME_ZONE_RULE);
  }
  return {
    scheduler: schedule(env, "MAILFERRY_SCHEDULER_SCHEDULE"),
    sweeper: schedule(env, "MAILFERRY_SWEEPER_SCHEDULE"),
    alerts: schedule(env, "MAILFERRY_ALERTS_SCHEDULE"),
    watch: schedule(env, "MAILFERRY_WATCH_SCHEDULE"),
    defaultTimeZone: zone,
  };
}
