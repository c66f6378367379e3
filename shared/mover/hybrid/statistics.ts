/**
 * A hybrid account's statistics from what Exchange reports (Get-MoveRequestStatistics) and what
 * the watcher keeps in the checkpoint, in the shape both engines record (SyncStatistics). Pure.
 */
import type { Progress, StatisticsUpdate } from "../../domain/index.js";
import type { MoveStatisticsFacts } from "../../exchange/port.js";
import type { HybridCheckpoint } from "./checkpoint.js";

/** The account's progress figures from a move's statistics. */
export function progressOf(facts: MoveStatisticsFacts): Partial<Progress> {
  return {
    bytes: facts.bytesTransferred,
    items: facts.itemsTransferred,
    ...(facts.badItems !== undefined ? { badItems: facts.badItems } : {}),
    ...(facts.largeItems !== undefined ? { largeItemsSkipped: facts.largeItems } : {}),
  };
}

/**
 * The statistics to record: waiting reason, stall, score and percentage from the checkpoint (a
 * cleared one clears them), and the source's totals and sync times from Exchange's statistics
 * when they were read. A sync that ends after the initial seeding is an incremental one.
 */
export function hybridStatistics(
  checkpoint: HybridCheckpoint,
  facts?: MoveStatisticsFacts,
): StatisticsUpdate {
  const incremental =
    facts?.lastSyncAt !== undefined &&
    facts.initialSyncedAt !== undefined &&
    Date.parse(facts.lastSyncAt) > Date.parse(facts.initialSyncedAt);
  return {
    waiting: checkpoint.waiting ?? null,
    stalledSince: checkpoint.stalledSince ?? null,
    ...(checkpoint.score !== undefined ? { score: checkpoint.score } : {}),
    ...(checkpoint.percentComplete !== undefined ? { percentComplete: checkpoint.percentComplete } : {}),
    ...(facts?.totalItems !== undefined ? { sourceItems: facts.totalItems } : {}),
    ...(facts?.totalBytes !== undefined ? { sourceBytes: facts.totalBytes } : {}),
    ...(facts?.startedAt !== undefined ? { startedAt: new Date(facts.startedAt).toISOString() } : {}),
    ...(facts?.lastSyncAt !== undefined ? { lastSyncAt: new Date(facts.lastSyncAt).toISOString() } : {}),
    ...(incremental ? { lastIncrementalSyncAt: new Date(facts.lastSyncAt ?? "").toISOString() } : {}),
  };
}
