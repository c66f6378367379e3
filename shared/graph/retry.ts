import pRetry from "p-retry";
import type { MailboxGovernor } from "./governor.js";
import { ThrottledError, TransientTransferError } from "./errors.js";

/** Only transient failures are worth retrying in place. */
export function isTransient(error: unknown): boolean {
  return error instanceof TransientTransferError;
}

/** How far past the slice's deadline a call already under way may still be retried. */
const RETRY_GRACE_MS = 30_000;

/**
 * A Retry-After up to this long is waited out by the mailbox's governor within the slice (no
 * request to that mailbox goes out before it); a longer one ends the slice, which checkpoints and
 * schedules its continuation for then, so no function sits idle for long.
 */
export const SHORT_THROTTLE_MS = 5_000;

/**
 * Retries a Graph call with exponential backoff when it fails transiently, and after a short
 * Retry-After; anything else is thrown at once. Every 429 is reported to the governor, which
 * holds the mailbox's requests and lowers its concurrency. A call begun before the slice's
 * deadline may finish its retries a little after it: giving up on a blip just because the slice
 * is ending would throw the whole slice away.
 */
export function withTransientRetry<T>(
  call: () => Promise<T>,
  deadline: number,
  governor?: MailboxGovernor,
  retries = 4,
): Promise<T> {
  return pRetry(call, {
    retries,
    minTimeout: 100,
    maxTimeout: 2_000,
    factor: 2,
    randomize: true,
    shouldRetry: (error) => {
      if (error instanceof ThrottledError) {
        const until = error.retryAt.getTime();
        governor?.pauseUntil(until);
        return governor !== undefined && until - Date.now() <= SHORT_THROTTLE_MS && until < deadline;
      }
      return isTransient(error) && Date.now() < deadline + RETRY_GRACE_MS;
    },
  });
}
