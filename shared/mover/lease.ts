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

/** What renewing a claim needs: the store's claim, as the mover holds it. */
export type RenewClaim = (account: Account) => Promise<Account>;

/**
 * The claim one invocation holds on its account while it works, and the account as its latest
 * write left it. Every write of the account (a renewal, a progress update, a status change)
 * returns a new version under a new ETag; the next write must name that ETag, so the account is
 * asked for here, never kept aside.
 */
export class AccountLease {
  private account: Account;
  private renewedAtMs: number;
  private renewing: Promise<void> | undefined;

  /**
   * @param claimed the account as the claim returned it
   * @param renew claims the account again for this invocation, returning the new version
   * @param renewEveryMs renewals come no closer together than this (at most LEASE_RENEWAL_MS)
   */
  constructor(
    claimed: Account,
    private readonly renew: RenewClaim,
    private readonly renewEveryMs: number,
  ) {
    this.account = claimed;
    // Measured on the wall clock, as Service Bus measures the message lock the claim follows.
    this.renewedAtMs = Date.now();
  }

  /** The account as this invocation's latest write left it: its ETag is the one to write under. */
  latest(): Account {
    return this.account;
  }

  /** Takes note of a write this invocation made to the account. */
  wrote(account: Account): Account {
    this.account = account;
    return account;
  }

  /**
   * Renews the claim when it is due, one renewal at a time (callers arriving meanwhile share it).
   * Throws when the claim was lost, which ends the work before another holder's could overlap it.
   */
  readonly heartbeat = (): Promise<void> => {
    if (Date.now() - this.renewedAtMs < this.renewEveryMs) return Promise.resolve();
    this.renewing ??= (async () => {
      try {
        this.account = await this.renew(this.account);
        this.renewedAtMs = Date.now();
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  };
}
