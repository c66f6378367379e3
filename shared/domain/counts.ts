import type { AccountRecord, Progress } from "./account.js";
import { ACCOUNT_STATUSES, type AccountStatus } from "./status.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A wave's totals: how many accounts are in each status, and what has been copied. */
export interface WaveCounts extends Progress {
  readonly waveId: string;
  readonly accounts: number;
  readonly byStatus: Readonly<Record<AccountStatus, number>>;
}

/** A change to one wave's totals caused by one write. */
export interface CountsDelta extends Progress {
  readonly waveId: string;
  readonly byStatus: Readonly<Partial<Record<AccountStatus, number>>>;
}

const PROGRESS_FIELDS = ["folders", "items", "bytes", "badItems", "largeItemsSkipped"] as const;

/** Zero in every status. */
export function zeroByStatus(): Record<AccountStatus, number> {
  const out = {} as Record<AccountStatus, number>;
  for (const status of ACCOUNT_STATUSES) out[status] = 0;
  return out;
}

/** Totals of a wave that has no accounts. */
export function emptyCounts(waveId: string): WaveCounts {
  return {
    waveId,
    accounts: 0,
    byStatus: zeroByStatus(),
    folders: 0,
    items: 0,
    bytes: 0,
    badItems: 0,
    largeItemsSkipped: 0,
  };
}

function contribution(account: AccountRecord, sign: 1 | -1): Mutable<CountsDelta> {
  const delta: Mutable<CountsDelta> = {
    waveId: account.waveId,
    byStatus: { [account.status]: sign },
    folders: 0,
    items: 0,
    bytes: 0,
    badItems: 0,
    largeItemsSkipped: 0,
  };
  for (const field of PROGRESS_FIELDS) delta[field] = sign * account.progress[field];
  return delta;
}

/**
 * How the wave totals change when `before` becomes `after` (either may be absent): one delta per
 * wave touched, without entries that cancel out. Both stores apply exactly these deltas.
 */
export function countsDelta(
  before: AccountRecord | undefined,
  after: AccountRecord | undefined,
): CountsDelta[] {
  const parts: CountsDelta[] = [];
  if (before !== undefined) parts.push(contribution(before, -1));
  if (after !== undefined) parts.push(contribution(after, 1));
  return mergeDeltas(parts);
}

/** Whether a delta changes nothing. */
export function isZeroDelta(delta: CountsDelta): boolean {
  return Object.keys(delta.byStatus).length === 0 && PROGRESS_FIELDS.every((field) => delta[field] === 0);
}

/** Adds a delta to totals (the wave ids must match). */
export function addDelta(counts: WaveCounts, delta: CountsDelta): WaveCounts {
  const byStatus = { ...counts.byStatus };
  let accounts = counts.accounts;
  for (const [status, value] of Object.entries(delta.byStatus) as [AccountStatus, number][]) {
    byStatus[status] += value;
    accounts += value;
  }
  const next: Mutable<WaveCounts> = { ...counts, byStatus, accounts };
  for (const field of PROGRESS_FIELDS) next[field] = counts[field] + delta[field];
  return next;
}

/** Sums several partial totals of one wave (e.g. counter shards). */
export function sumCounts(waveId: string, parts: readonly WaveCounts[]): WaveCounts {
  let total = emptyCounts(waveId);
  for (const part of parts) {
    total = addDelta(total, { ...part, waveId, byStatus: part.byStatus });
  }
  return total;
}

/** Totals of a set of accounts, counted one by one (what a repair compares against). */
export function countAccounts(waveId: string, accounts: Iterable<AccountRecord>): WaveCounts {
  let total = emptyCounts(waveId);
  for (const account of accounts) {
    if (account.waveId !== waveId) continue;
    for (const delta of countsDelta(undefined, account)) total = addDelta(total, delta);
  }
  return total;
}

/** Whether two totals agree in every figure. */
export function sameCounts(a: WaveCounts, b: WaveCounts): boolean {
  return (
    a.accounts === b.accounts &&
    ACCOUNT_STATUSES.every((status) => a.byStatus[status] === b.byStatus[status]) &&
    PROGRESS_FIELDS.every((field) => a[field] === b[field])
  );
}

/** Combines deltas into one per wave, dropping figures and deltas that cancel out. */
export function mergeDeltas(deltas: readonly CountsDelta[]): CountsDelta[] {
  const byWave = new Map<string, Mutable<CountsDelta>>();
  for (const delta of deltas) {
    const current = byWave.get(delta.waveId);
    if (current === undefined) {
      byWave.set(delta.waveId, { ...delta, byStatus: { ...delta.byStatus } });
      continue;
    }
    const byStatus: Partial<Record<AccountStatus, number>> = { ...current.byStatus };
    for (const [status, value] of Object.entries(delta.byStatus) as [AccountStatus, number][]) {
      byStatus[status] = (byStatus[status] ?? 0) + value;
    }
    current.byStatus = byStatus;
    for (const field of PROGRESS_FIELDS) current[field] += delta[field];
  }
  return [...byWave.values()]
    .map((delta) => ({
      ...delta,
      byStatus: Object.fromEntries(Object.entries(delta.byStatus).filter(([, value]) => value !== 0)),
    }))
    .filter((delta) => !isZeroDelta(delta));
}
