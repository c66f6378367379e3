import { choiceSetting, type Env, intSetting, invalidSetting, numberSetting, optional } from "./env.js";
import { ConfigError } from "./errors.js";

/** How a webhook body is shaped: mailferry's own JSON, or `{ text }` that Teams and Slack accept. */
export type WebhookFormat = "json" | "chat";

/** Where dead-letter depths come from: the administration API (Azure) or peeking (the emulator). */
export type DeadLetterDepthSource = "admin" | "peek";

/** Thresholds of the alert rules and where their notifications go. */
export interface AlertSettings {
  /** Sliding window of the failure-rate and throttling rules. */
  readonly windowMs: number;
  /** Failure share (0..1) above which the failure-rate rule counts an evaluation as bad. */
  readonly failureRate: number;
  /** Pre-flight failure share (0..1) above which the pre-flight rule counts an evaluation as bad. */
  readonly preflightFailureRate: number;
  /** Fewer accounts that finished a step than this in the window never count as bad. */
  readonly minimumSample: number;
  /** A wave with an open window and waiting accounts but no activity for this long is stalled. */
  readonly stallMs: number;
  /** Throttled share (0..1) of Graph requests above which the throttling rule counts as bad. */
  readonly throttledShare: number;
  /** Fewer Graph requests than this in the window never count as throttled. */
  readonly minimumRequests: number;
  /** A rule that fired is not announced again within this long (flapping). */
  readonly muteMs: number;
  readonly webhook?: { readonly url: string; readonly format: WebhookFormat };
  readonly mail?: { readonly to: string; readonly from: string };
  /** Undefined: chosen by how Service Bus is reached (identity: admin, connection string: peek). */
  readonly deadLetterDepths?: DeadLetterDepthSource;
}

const MINUTE = 60_000;
const WEEK_MINUTES = 7 * 24 * 60;
const ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function address(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value !== undefined && !ADDRESS.test(value)) {
    throw invalidSetting(name, value, "a mail address such as operations@contoso.com");
  }
  return value;
}

const WEBHOOK_ALLOWED = "an https:// URL (plain http:// only to 127.0.0.1 or localhost)";

function webhookUrl(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value may carry a secret (a Slack or Teams path token): the catalog marks it, so it is not echoed.
    throw invalidSetting(name, value, WEBHOOK_ALLOWED);
  }
  // Plain HTTP only to this machine (the embedded stack's receiver); anything else must be TLS.
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw invalidSetting(name, value, WEBHOOK_ALLOWED);
  }
  return value;
}

/**
 * Reads the alert settings (all optional, with production defaults): rule thresholds, the mute
 * period, the webhook and the operations mailbox. Mail needs both `MAILFERRY_OPS_MAIL_ADDRESS` and
 * `MAILFERRY_ALERT_MAIL_FROM` (a licensed mailbox in the target tenant that sends it).
 */
export function readAlertSettings(env: Env): AlertSettings {
  const url = webhookUrl(env, "MAILFERRY_ALERT_WEBHOOK_URL");
  const format: WebhookFormat = choiceSetting(
    env,
    "MAILFERRY_ALERT_WEBHOOK_FORMAT",
    ["json", "chat"],
    "json",
  );
  const to = address(env, "MAILFERRY_OPS_MAIL_ADDRESS");
  const from = address(env, "MAILFERRY_ALERT_MAIL_FROM");
  if (to !== undefined && from === undefined) {
    throw new ConfigError(
      "MAILFERRY_ALERT_MAIL_FROM",
      "is required when MAILFERRY_OPS_MAIL_ADDRESS is set (a licensed mailbox in the target tenant)",
    );
  }
  const source = choiceSetting(env, "MAILFERRY_DLQ_DEPTH_SOURCE", ["auto", "admin", "peek"], "auto");
  const minutes = (name: string, fallback: number): number =>
    numberSetting(env, name, { above: 0, max: WEEK_MINUTES, fallback, unit: "minutes, at most a week" }) *
    MINUTE;
  const percent = (name: string, fallback: number): number =>
    numberSetting(env, name, { above: 0, max: 100, fallback, unit: "percent" }) / 100;
  const count = (name: string, fallback: number): number =>
    intSetting(env, name, { min: 1, max: 1_000_000, fallback });
  return {
    windowMs: minutes("MAILFERRY_ALERT_WINDOW_MINUTES", 15),
    failureRate: percent("MAILFERRY_ALERT_FAILURE_PERCENT", 5),
    preflightFailureRate: percent("MAILFERRY_ALERT_PREFLIGHT_PERCENT", 20),
    minimumSample: count("MAILFERRY_ALERT_MIN_SAMPLE", 20),
    stallMs: minutes("MAILFERRY_ALERT_STALL_MINUTES", 30),
    throttledShare: percent("MAILFERRY_ALERT_THROTTLED_PERCENT", 5),
    minimumRequests: count("MAILFERRY_ALERT_MIN_REQUESTS", 200),
    muteMs: minutes("MAILFERRY_ALERT_MUTE_MINUTES", 60),
    ...(url !== undefined ? { webhook: { url, format } } : {}),
    ...(to !== undefined && from !== undefined ? { mail: { to, from } } : {}),
    ...(source !== "auto" ? { deadLetterDepths: source } : {}),
  };
}
