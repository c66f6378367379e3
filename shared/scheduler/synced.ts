/**
 * What the scheduler may start among a wave's Synced accounts: cutovers (in a window, or forced
 * by an operator's "complete now") and incremental passes that are due, and why the others wait.
 */
import {
  CutoverQueue,
  incrementalDue,
  type Account,
  type Wave,
  type WindowOccurrence,
} from "../domain/index.js";
import { listingKey } from "../store/listing.js";
import type { AccountRepository } from "../store/port.js";

const PAGE = 1000;
/** Why a ready account waits when this run's release rate or the in-flight cap is used up. */
export const NO_ROOM = "waits for room in flight (release rate or in-flight cap)";

export interface SyncedPlan {
  readonly cutovers: Account[];
  /** Ids of cutovers an operator forced (they do not use the window's capacity). */
  readonly forced: ReadonlySet<string>;
  readonly due: Account[];
  readonly waiting: Record<string, number>;
}

type SyncedReads = Pick<AccountRepository, "listByStatus" | "scanByStatus">;

/**
 * Plans one run's work among the wave's Synced accounts, spending at most `budget` on cutovers
 * and as much again on incremental passes. While the open window can still start cutovers they
 * go in listing order (highest priority, longest synced first), so the listing is read until the
 * budget is spent. Otherwise only forced cutovers and due passes can start, and they may be
 * anywhere: the accounts are scanned instead, about one request per thousand, where a listing
 * reads each account on its own. Before a pre-staged wave's window, that is every run.
 */
export function planSynced(
  accounts: SyncedReads,
  wave: Wave,
  window: WindowOccurrence | undefined,
  now: Date,
  budget: number,
  capacityLeft: number,
): Promise<SyncedPlan> {
  return window !== undefined && capacityLeft > 0
    ? planInListingOrder(accounts, wave, window, now, budget, capacityLeft)
    : planByScan(accounts, wave, window, now, budget);
}

async function planInListingOrder(
  accounts: SyncedReads,
  wave: Wave,
  window: WindowOccurrence,
  now: Date,
  budget: number,
  capacityLeft: number,
): Promise<SyncedPlan> {
  const plan = {
    cutovers: [] as Account[],
    forced: new Set<string>(),
    due: [] as Account[],
    waiting: {} as Record<string, number>,
  };
  const queue = new CutoverQueue(wave, window, now, capacityLeft);
  let token: string | undefined;
  do {
    const page = await accounts.listByStatus(wave.id, "Synced", {
      limit: PAGE,
      ...(token ? { continuationToken: token } : {}),
    });
    for (const account of page.items) {
      const slot =
        plan.cutovers.length < budget ? queue.consider(account) : ({ take: false, reason: NO_ROOM } as const);
      if (slot.take) {
        plan.cutovers.push(account);
        if (slot.forced) plan.forced.add(account.id);
        continue;
      }
      plan.waiting[slot.reason] = (plan.waiting[slot.reason] ?? 0) + 1;
      if (plan.due.length < budget && incrementalDue(account, wave, now)) plan.due.push(account);
    }
    token = page.continuationToken;
    // The budget is spent on cutovers, which come first: nothing further read could be started.
  } while (token && plan.cutovers.length < budget);
  return plan;
}

async function planByScan(
  accounts: SyncedReads,
  wave: Wave,
  window: WindowOccurrence | undefined,
  now: Date,
  budget: number,
): Promise<SyncedPlan> {
  // No window capacity: only forced cutovers can be taken, whatever the queue's order.
  const queue = new CutoverQueue(wave, window, now, 0);
  const forced = new FirstInListingOrder(budget);
  const due = new FirstInListingOrder(budget);
  const waiting: Record<string, number> = {};
  let token: string | undefined;
  do {
    const page = await accounts.scanByStatus(wave.id, "Synced", {
      limit: PAGE,
      ...(token ? { continuationToken: token } : {}),
    });
    for (const account of page.items) {
      const slot = queue.consider(account);
      if (slot.take) {
        forced.offer(account);
        continue;
      }
      waiting[slot.reason] = (waiting[slot.reason] ?? 0) + 1;
      if (incrementalDue(account, wave, now)) due.offer(account);
    }
    token = page.continuationToken;
  } while (token);
  const cutovers = forced.first();
  const left = forced.offered - cutovers.length;
  if (left > 0) waiting[NO_ROOM] = (waiting[NO_ROOM] ?? 0) + left;
  return { cutovers, forced: new Set(cutovers.map((account) => account.id)), due: due.first(), waiting };
}

/** Keeps the first `size` accounts in listing order of those offered, holding few more meanwhile. */
class FirstInListingOrder {
  private kept: Account[] = [];
  offered = 0;

  constructor(private readonly size: number) {}

  offer(account: Account): void {
    this.offered += 1;
    this.kept.push(account);
    if (this.kept.length >= 2 * this.size + PAGE) this.trim();
  }

  first(): Account[] {
    this.trim();
    return this.kept;
  }

  private trim(): void {
    // The listing's own keys: the same order `listByStatus` pages in.
    const keyed = this.kept.map((account) => ({ account, key: listingKey(account) }));
    keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    this.kept = keyed.slice(0, this.size).map(({ account }) => account);
  }
}
