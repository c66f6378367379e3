/**
 * How a message's claim on its account follows the message's lock. The Functions host renews the
 * lock while an invocation lives, so Service Bus redelivers a message only when its lock is gone:
 * usually because the invocation died, rarely because a live one could not renew it in time. The
 * invocation renews the claim at least every half lock duration; a redelivery takes the claim
 * over only when it has gone a whole lock duration without renewal, and otherwise comes back then.
 */
import { MOVES_QUEUE } from "../bus/topology.js";
import type { Account } from "../domain/index.js";

/** How long a message stays locked to one delivery. */
export const LOCK_DURATION_MS = MOVES_QUEUE.lockDurationSeconds * 1000;

/** The longest an invocation goes without renewing its claim while it works. */
export const LEASE_RENEWAL_MS = LOCK_DURATION_MS / 2;

/**
 * When a claim held under `owner` may be taken over by a redelivery of the same message: now when
 * its holder has not renewed it for a lock duration, else once it has (undefined: now).
 */
export function takeoverAt(account: Account, owner: string, leaseMs: number, now: Date): Date | undefined {
  const lease = account.lease;
  if (lease === undefined || lease.owner !== owner) return undefined;
  const expires = Date.parse(lease.expiresAt);
  if (expires <= now.getTime()) return undefined;
  const quietSince = expires - leaseMs + LOCK_DURATION_MS;
  return quietSince > now.getTime() ? new Date(quietSince) : undefined;
}
