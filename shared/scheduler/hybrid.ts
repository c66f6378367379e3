/**
 * Releasing a hybrid wave's accounts. Exchange runs a migration endpoint's moves
 * MaxConcurrentMigrations at a time and queues the rest, so the scheduler keeps that many moves
 * in Exchange plus a margin (a queue for MRS to take from until the next runs refill it), never
 * the whole wave. Each released account is planned into the earliest evening with capacity, and
 * the evening's count is taken in the ledger before the accounts are marked: a crash in between
 * leaves capacity unused, never an evening with more completions than it may have.
 */
import { plannedCheckpoint } from "../mover/hybrid/checkpoint.js";
import { SYNCED_DETAIL } from "../mover/hybrid/watch.js";
import { candidateEvenings, type EveningRoom, planReleases, UNSCHEDULED } from "../mover/hybrid/plan.js";
import { mayStartInitialCopy, openWindow, type Account, type Wave } from "../domain/index.js";
import {
  markAndSend,
  OUTSIDE_WINDOWS,
  releaseRate,
  type SchedulerPorts,
  type WaveRelease,
} from "./scheduler.js";

/** The least and the most moves kept queued in Exchange beyond MaxConcurrentMigrations, as shares of it. */
export const QUEUE_MARGIN = { least: 0.5, most: 5 } as const;
/**
 * How long, at most, between a move syncing in Exchange and the next one being submitted in its
 * place (a watcher run sees it, a scheduler run releases another, a mover submits it). The queue
 * in Exchange must last that long at the rate the endpoint's slots finish moves.
 */
export const REFILL_MINUTES = 30;
/** How far back the syncs that tell how long a move takes are looked at. */
const PACE_WINDOW_MS = 2 * 3_600_000;
const PAGE = 1000;

/**
 * How many moves a hybrid wave keeps in Exchange before they are synced: MaxConcurrentMigrations
 * running, and a queue MRS takes from while mailferry refills it. The queue holds what the slots
 * finish in `REFILL_MINUTES` (MaxConcurrentMigrations ÷ the recent mean sync time), within bounds,
 * so slots stay full when moves are quick and a wave is never flooded into Exchange.
 */
export function hybridTarget(wave: Pick<Wave, "hybrid" | "inFlightCap">, meanSyncMinutes?: number): number {
  const max = wave.hybrid?.maxConcurrentMigrations ?? 0;
  const needed =
    meanSyncMinutes === undefined || meanSyncMinutes <= 0 ? 0 : (max / meanSyncMinutes) * REFILL_MINUTES;
  const margin = Math.min(max * QUEUE_MARGIN.most, Math.max(max * QUEUE_MARGIN.least, needed));
  return Math.min(wave.inFlightCap, Math.ceil(max + margin));
}

/** One scheduler pass over a hybrid wave: release Pending accounts into evenings with room. */
export async function releaseHybridWave(
  services: SchedulerPorts,
  wave: Wave,
  now: Date,
  actor: string,
): Promise<WaveRelease> {
  const window = openWindow(wave, now);
  const counts = await services.store.counters.waveCounts(wave.id);
  const inFlight = counts.byStatus.Queued + counts.byStatus.Syncing;
  const windowStart = window?.start.toISOString() ?? OUTSIDE_WINDOWS;
  const current = await services.releases.get(wave.id, windowStart);
  const rate = await releaseRate(services, wave, now, current?.rate);
  const syncs = (await services.activity.between(now.getTime() - PACE_WINDOW_MS, now.getTime() + 1, wave.id))
    .filter((record) => record.detail === SYNCED_DETAIL && record.durationMs > 0)
    .map((record) => record.durationMs);
  const meanSyncMinutes =
    syncs.length === 0 ? undefined : syncs.reduce((sum, ms) => sum + ms, 0) / syncs.length / 60_000;
  const room = Math.max(0, hybridTarget(wave, meanSyncMinutes) - inFlight);
  const allowed = mayStartInitialCopy(wave, window);
  const wanted = allowed ? Math.min(room, rate, counts.byStatus.Pending) : 0;
  const pending =
    wanted > 0
      ? (await services.store.accounts.listByStatus(wave.id, "Pending", { limit: Math.min(PAGE, wanted) }))
          .items
      : [];
  let released = 0;
  // What this run knows of the ledger rows it reads and writes: released so far, and the version.
  const rows = new Map<string, { released: number; etag?: string }>();
  const row = async (key: string): Promise<{ released: number; etag?: string }> => {
    let known = rows.get(key);
    if (known === undefined) {
      const read = await services.releases.get(wave.id, key);
      known = { released: read?.released ?? 0, ...(read?.etag !== undefined ? { etag: read.etag } : {}) };
      rows.set(key, known);
    }
    return known;
  };
  if (pending.length > 0) {
    const rooms: EveningRoom[] = [];
    for (const occurrence of candidateEvenings(wave, now)) {
      rooms.push({ occurrence, planned: (await row(occurrence.start.toISOString())).released });
      const free = rooms.reduce((sum, r) => sum + Math.max(0, r.occurrence.window.capacity - r.planned), 0);
      if (free >= pending.length) break;
    }
    const groups = planReleases(wave.id, rooms, pending.length, (await row(UNSCHEDULED)).released);
    let offset = 0;
    for (const group of groups) {
      const key = group.evening ?? UNSCHEDULED;
      const before = await row(key);
      const accounts: Account[] = pending.slice(offset, offset + group.count);
      offset += group.count;
      // The evening's capacity is taken first (a conditional write): then the accounts are marked.
      const etag = await services.releases.put({
        waveId: wave.id,
        windowStart: key,
        released: before.released + group.count,
        rate,
        ...(before.etag !== undefined ? { etag: before.etag } : {}),
      });
      rows.set(key, { released: before.released + group.count, ...(etag !== undefined ? { etag } : {}) });
      const marked = await markAndSend(
        services,
        accounts,
        "Queued",
        group.evening === undefined
          ? "released; no evening within the planning horizon has room yet"
          : `released to complete in the evening of ${group.evening}`,
        actor,
        { checkpoint: JSON.stringify(plannedCheckpoint(group.batch, group.evening)) },
      );
      released += marked.length;
    }
  }
  // The rate carries over runs in the row of the current window (or of none), as for the copy.
  const kept = rows.get(windowStart) ?? {
    released: current?.released ?? 0,
    ...(current?.etag !== undefined ? { etag: current.etag } : {}),
  };
  await services.releases.put({
    waveId: wave.id,
    windowStart,
    released: kept.released,
    rate,
    ...(kept.etag !== undefined ? { etag: kept.etag } : {}),
  });
  const note =
    room === 0
      ? "Exchange has the endpoint's moves and their margin queued; more follow as they sync"
      : !allowed && counts.byStatus.Pending > 0
        ? "no window open; this wave starts moves only inside its windows"
        : undefined;
  const result: WaveRelease = {
    waveId: wave.id,
    released,
    cutovers: 0,
    incremental: 0,
    rate,
    capacityLeft: window === undefined ? 0 : Math.max(0, window.window.capacity - kept.released),
    inFlight,
    ...(note !== undefined ? { note } : {}),
  };
  services.logger.info("scheduler ran (hybrid)", { ...result });
  return result;
}
