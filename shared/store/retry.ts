/**
 * Retrying writes that lost a race. Optimistic concurrency makes conflicts on shared rows (the
 * wave counters) normal under load; they are retried after a short, jittered, growing pause.
 * Conflicts on the caller's own record are never retried here: the caller must decide again.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { ContentionError, StoreBusyError } from "./errors.js";

export interface RetryPolicy {
  /** Attempts in all, including the first. */
  readonly attempts: number;
  /** Pause before the second attempt; doubles each time, up to maxDelayMs. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export const COUNTER_RETRY: RetryPolicy = { attempts: 12, baseDelayMs: 20, maxDelayMs: 1_000 };

const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const TRANSIENT_NETWORK = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "REQUEST_SEND_ERROR",
]);

/** HTTP status of a storage error, if it carries one. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== "object" || error === null || !("statusCode" in error)) return undefined;
  return typeof error.statusCode === "number" ? error.statusCode : undefined;
}

function codeOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

/**
 * Whether another attempt may succeed: contention on a shared row, throttling, a server or
 * network failure. Validation errors, stale ETags on the caller's record, and anything else are
 * final.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof ContentionError) return true;
  const status = statusOf(error);
  if (status !== undefined) return TRANSIENT_STATUS.has(status);
  const code = codeOf(error);
  return code !== undefined && TRANSIENT_NETWORK.has(code);
}

/** Full jitter: a random pause up to the exponential bound spreads colliding writers apart. */
function pause(policy: RetryPolicy, attempt: number): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.random() * bound;
}

/**
 * Runs `operation` until it succeeds, fails with an error `transient` rejects, or runs out of
 * attempts (then StoreBusyError, with the last error as cause).
 */
export async function retrying<T>(
  what: string,
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy = COUNTER_RETRY,
  transient: (error: unknown) => boolean = isTransient,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!transient(error)) throw error;
      if (attempt >= policy.attempts) {
        throw new StoreBusyError(`${what} still collided after ${policy.attempts} attempts`, {
          cause: error,
        });
      }
      await sleep(pause(policy, attempt));
    }
  }
}
