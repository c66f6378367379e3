import { z } from "zod";
import { type Env, optional, parseSetting, positiveInt } from "./env.js";
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
  /** Fewer outcomes (failed + completed) than this in the window never count as bad. */
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
const minutes = z.coerce
  .number()
  .positive()
  .max(7 * 24 * 60);
const percent = z.coerce.number().gt(0).lte(100);
const ADDRESS = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function address(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value !== undefined && !ADDRESS.test(value)) {
    throw new ConfigError(name, `${JSON.stringify(value)} is not a mail address`);
  }
  return value;
}

function webhookUrl(env: Env, name: string): string | undefined {
  const value = optional(env, name);
  if (value === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // The value may carry a secret (a Slack or Teams path token): never echo it.
    throw new ConfigError(name, "is not a URL");
  }
  // Plain HTTP only to this machine (the embedded stack's receiver); anything else must be TLS.
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw new ConfigError(name, "must be an https:// URL");
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
  const format: WebhookFormat = parseSetting(
    env,
    "MAILFERRY_ALERT_WEBHOOK_FORMAT",
    z.enum(["json", "chat"]),
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
  const source = parseSetting(env, "MAILFERRY_DLQ_DEPTH_SOURCE", z.enum(["auto", "admin", "peek"]), "auto");
  return {
    windowMs: parseSetting(env, "MAILFERRY_ALERT_WINDOW_MINUTES", minutes, 15) * MINUTE,
    failureRate: parseSetting(env, "MAILFERRY_ALERT_FAILURE_PERCENT", percent, 5) / 100,
    minimumSample: parseSetting(env, "MAILFERRY_ALERT_MIN_SAMPLE", positiveInt, 20),
    stallMs: parseSetting(env, "MAILFERRY_ALERT_STALL_MINUTES", minutes, 30) * MINUTE,
    throttledShare: parseSetting(env, "MAILFERRY_ALERT_THROTTLED_PERCENT", percent, 5) / 100,
    minimumRequests: parseSetting(env, "MAILFERRY_ALERT_MIN_REQUESTS", positiveInt, 200),
    muteMs: parseSetting(env, "MAILFERRY_ALERT_MUTE_MINUTES", minutes, 60) * MINUTE,
    ...(url !== undefined ? { webhook: { url, format } } : {}),
    ...(to !== undefined && from !== undefined ? { mail: { to, from } } : {}),
    ...(source !== "auto" ? { deadLetterDepths: source } : {}),
  };
}
