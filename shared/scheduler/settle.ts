/**
 * A wave is done when every account has settled (Completed, CompletedWithWarnings, Failed, Stopped
 * or Skipped): nothing is left for the scheduler, the sweeper or Exchange's watcher to do. The
 * scheduler marks it Completed then, whichever engine moved it; a later retry of its failed
 * accounts opens it again.
 */
import { SETTLED_STATUSES, type AccountStatus, type Wave, type WaveCounts } from "../domain/index.js";
import type { SchedulerPorts } from "./scheduler.js";
import { isConflict } from "../store/errors.js";

/** Whether every account of a wave with accounts has settled. */
export function allSettled(counts: WaveCounts): boolean {
  const settled = SETTLED_STATUSES.reduce(
    (total, status: AccountStatus) => total + counts.byStatus[status],
    0,
  );
  return counts.accounts > 0 && settled === counts.accounts;
}

/**
 * Marks an Active wave Completed when all its accounts have settled; returns the wave as it now is.
 * The wave's ETag guards the change: a wave an operator changed meanwhile is looked at next run.
 */
export async function completeIfSettled(
  services: Pick<SchedulerPorts, "store" | "logger">,
  wave: Wave,
  now: Date,
): Promise<Wave> {
  if (wave.status !== "Active") return wave;
  const counts = await services.store.counters.waveCounts(wave.id);
  if (!allSettled(counts)) return wave;
  try {
    const completed = await services.store.waves.updateStatus(wave.id, "Completed", now, wave.etag);
    services.logger.info("wave completed: every account has settled", {
      waveId: wave.id,
      accounts: counts.accounts,
      failed: counts.byStatus.Failed,
    });
    return completed;
  } catch (error) {
    if (isConflict(error)) return wave;
    throw error;
  }
}
