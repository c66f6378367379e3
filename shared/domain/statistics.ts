/**
 * Per-account migration statistics, the same for both engines: what the engines record on the
 * account (SyncStatistics) and what operators are shown (AccountStatistics), derived here. Pure.
 *
 * The consistency verdict uses Exchange Online's four grades by their published meaning (Microsoft,
 * "Track and prevent migration data loss in Exchange Online"): Perfect, no inconsistency; Good,
 * inconsistencies without impactful data loss (metadata, folder permissions); Investigate, a small
 * amount of noticeable data loss; Poor, major data loss. A hybrid move takes Exchange's own score;
 * the copy engine's is derived from its skipped items, see {@link copyVerdict}.
 */
import { ValidationError } from "../errors.js";
import type { AccountRecord, IsoTime } from "./account.js";
import { CONSISTENCY_SCORES, type ConsistencyScore } from "./wave.js";

/** What an engine records about an account's sync besides its Progress (all optional). */
export interface SyncStatistics {
  /** Items and bytes the source mailbox (and archive) holds, when known. */
  readonly sourceItems?: number;
  readonly sourceBytes?: number;
  /** When the copy of this attempt started (first slice, or Exchange's StartTimestamp). */
  readonly startedAt?: IsoTime;
  /** When a pass last finished: the last successful sync. */
  readonly lastSyncAt?: IsoTime;
  /** When an incremental pass (any pass after the initial copy) last finished. */
  readonly lastIncrementalSyncAt?: IsoTime;
  /** When the account reached its final status. */
  readonly finishedAt?: IsoTime;
  /** Percent complete as the engine measures it (Exchange's PercentComplete); else derived. */
  readonly percentComplete?: number;
  /** Exchange's DataConsistencyScore (hybrid moves only; the copy engine's is derived). */
  readonly score?: ConsistencyScore;
  /** Why the account waits or is stalled, in words; absent when it is not waiting. */
  readonly waiting?: string;
  /** Since when the account's copy has been stalled, while it is. */
  readonly stalledSince?: IsoTime;
  /** What a CompletedWithWarnings account was warned about, one line each. */
  readonly warnings?: readonly string[];
}

/** What an operator sees of an account's sync, whichever engine moved it. */
export interface AccountStatistics {
  /** 0..100; 100 once the account has synced at least once. */
  readonly percentComplete: number;
  readonly itemsSynced: number;
  readonly bytesSynced: number;
  /** The source's totals, when known (the copy engine learns its bytes only after a full pass). */
  readonly sourceItems?: number;
  readonly sourceBytes?: number;
  readonly badItems: number;
  readonly largeItems: number;
  readonly lastSyncAt?: IsoTime;
  readonly lastIncrementalSyncAt?: IsoTime;
  /** From the start of the copy to its end, or to `now` while it runs; absent before it starts. */
  readonly durationMs?: number;
  /** Perfect / Good / Investigate / Poor; absent before anything was copied. */
  readonly consistency?: ConsistencyScore;
  /** Where the verdict came from: Exchange's own score, or derived from the skipped items. */
  readonly consistencySource?: "exchange" | "derived";
  readonly waiting?: string;
  readonly stalled: boolean;
  readonly warnings: readonly string[];
}

/** Most warnings kept on an account, and their length: the row stays far below 64 KiB. */
export const MAX_WARNINGS = 10;
export const MAX_WARNING_CHARS = 300;
export const MAX_WAITING_CHARS = 300;

/** Lost items above this share of the source's items are major data loss (Poor). */
export const POOR_LOSS_SHARE = 0.01;

const FINAL = new Set(["Completed", "CompletedWithWarnings", "Failed", "Stopped", "Skipped"]);

/**
 * The copy engine's verdict from what it could not copy, by Exchange's published meaning: no
 * skipped item is Perfect; each skipped item (failed or too large) is an item missing from the
 * target, so noticeable data loss, Investigate; more bad items than the wave allows, or more than
 * {@link POOR_LOSS_SHARE} of the source's items lost, is major data loss, Poor. The copy engine
 * moves every item in full fidelity or not at all, so it finds no loss that is only metadata:
 * it never says Good.
 */
export function copyVerdict(input: {
  readonly badItems: number;
  readonly largeItems: number;
  readonly sourceItems?: number;
  readonly badItemLimit?: number;
}): ConsistencyScore {
  const lost = input.badItems + input.largeItems;
  if (lost === 0) return "Perfect";
  if (input.badItemLimit !== undefined && input.badItems > input.badItemLimit) return "Poor";
  if (input.sourceItems !== undefined && input.sourceItems > 0 && lost / input.sourceItems > POOR_LOSS_SHARE)
    return "Poor";
  return "Investigate";
}

function clampPercent(value: number): number {
  return Math.max(0, Math.min(100, Math.round(value)));
}

/** Derives what operators see from an account's record (see AccountStatistics). */
export function accountStatistics(
  account: Pick<AccountRecord, "status" | "progress" | "syncedAt" | "stats" | "statusSince">,
  now: Date,
  options: { readonly badItemLimit?: number } = {},
): AccountStatistics {
  const stats = account.stats ?? {};
  const { progress } = account;
  const synced = account.syncedAt !== undefined || stats.lastSyncAt !== undefined;
  const sourceItems = stats.sourceItems;
  let percent: number;
  if (account.status === "Completed" || account.status === "CompletedWithWarnings") percent = 100;
  else if (stats.percentComplete !== undefined) percent = clampPercent(stats.percentComplete);
  else if (synced) percent = 100;
  else if (sourceItems !== undefined && sourceItems > 0)
    percent = Math.min(99, clampPercent((100 * progress.items) / sourceItems));
  else percent = 0;
  const end = stats.finishedAt ?? (FINAL.has(account.status) ? account.statusSince : undefined);
  const durationMs =
    stats.startedAt === undefined
      ? undefined
      : Math.max(0, Date.parse(end ?? now.toISOString()) - Date.parse(stats.startedAt));
  const copied = progress.items > 0 || synced;
  const consistency =
    stats.score ??
    (copied
      ? copyVerdict({
          badItems: progress.badItems,
          largeItems: progress.largeItemsSkipped,
          ...(sourceItems !== undefined ? { sourceItems } : {}),
          ...(options.badItemLimit !== undefined ? { badItemLimit: options.badItemLimit } : {}),
        })
      : undefined);
  return {
    percentComplete: percent,
    itemsSynced: progress.items,
    bytesSynced: progress.bytes,
    ...(sourceItems !== undefined ? { sourceItems } : {}),
    ...(stats.sourceBytes !== undefined ? { sourceBytes: stats.sourceBytes } : {}),
    badItems: progress.badItems,
    largeItems: progress.largeItemsSkipped,
    ...(stats.lastSyncAt !== undefined ? { lastSyncAt: stats.lastSyncAt } : {}),
    ...(stats.lastIncrementalSyncAt !== undefined
      ? { lastIncrementalSyncAt: stats.lastIncrementalSyncAt }
      : {}),
    ...(durationMs !== undefined ? { durationMs } : {}),
    ...(consistency !== undefined
      ? { consistency, consistencySource: stats.score !== undefined ? "exchange" : "derived" }
      : {}),
    ...(stats.waiting !== undefined ? { waiting: stats.waiting } : {}),
    stalled: stats.stalledSince !== undefined && !FINAL.has(account.status),
    warnings: stats.warnings ?? [],
  };
}

function checkInstant(value: string | undefined, where: string): void {
  if (value !== undefined && Number.isNaN(Date.parse(value)))
    throw new ValidationError(where, `must be an ISO 8601 time, got ${JSON.stringify(value)}`);
}

function checkFigure(value: number | undefined, where: string, max = Number.MAX_SAFE_INTEGER): void {
  if (value !== undefined && (!Number.isFinite(value) || value < 0 || value > max))
    throw new ValidationError(where, `must be a number from 0 to ${max}, got ${value}`);
}

/**
 * Merges an update into the stored statistics; `null` clears a field. Checks every figure and
 * time, and bounds the text so the account row stays small.
 */
export function mergeStatistics(
  current: SyncStatistics | undefined,
  update: StatisticsUpdate,
): SyncStatistics | undefined {
  const cleared = new Set(Object.entries(update).flatMap(([key, value]) => (value === null ? [key] : [])));
  const merged = Object.fromEntries(
    [...Object.entries(current ?? {}), ...Object.entries(update)].filter(
      ([key, value]) => value !== undefined && value !== null && !cleared.has(key),
    ),
  );
  const next = merged as SyncStatistics;
  checkFigure(next.sourceItems, "stats.sourceItems");
  checkFigure(next.sourceBytes, "stats.sourceBytes");
  checkFigure(next.percentComplete, "stats.percentComplete", 100);
  for (const field of [
    "startedAt",
    "lastSyncAt",
    "lastIncrementalSyncAt",
    "finishedAt",
    "stalledSince",
  ] as const)
    checkInstant(next[field], `stats.${field}`);
  if (next.score !== undefined && !(CONSISTENCY_SCORES as readonly string[]).includes(next.score))
    throw new ValidationError("stats.score", `must be one of ${CONSISTENCY_SCORES.join(", ")}`);
  const bounded: SyncStatistics = {
    ...next,
    ...(next.waiting !== undefined ? { waiting: next.waiting.slice(0, MAX_WAITING_CHARS) } : {}),
    ...(next.warnings !== undefined
      ? { warnings: next.warnings.slice(0, MAX_WARNINGS).map((text) => text.slice(0, MAX_WARNING_CHARS)) }
      : {}),
  };
  return Object.keys(bounded).length === 0 ? undefined : bounded;
}

/** A change to an account's statistics: a value sets a field, `null` clears it. */
export type StatisticsUpdate = { readonly [K in keyof SyncStatistics]?: SyncStatistics[K] | null };
