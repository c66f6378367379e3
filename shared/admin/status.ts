/**
 * Where every wave stands: account counts per status from the wave counters (one read per wave,
 * however large), what was copied, the last hour's pace and failure rate from the activity log,
 * and when the wave's and the open window's remaining work should be done at that pace.
 */
import { summarise, type ActivityRecord } from "../activity/port.js";
import {
  CutoverQueue,
  nextWindow,
  openWindow,
  type AccountStatus,
  type Wave,
  type WaveCounts,
} from "../domain/index.js";
import { mapLimit } from "../store/concurrency.js";
import { hybridWaiting } from "./hybrid.js";
import type { AdminPorts } from "./ports.js";

const HOUR_MS = 60 * 60 * 1000;
const PARALLEL_WAVES = 4;
/** Most Synced accounts read to explain why they wait; beyond it the figures are a sample. */
const WAITING_SAMPLE = 5_000;

/** Statuses an account does not leave without an operator. */
export const SETTLED_STATUSES: readonly AccountStatus[] = [
  "Completed",
  "CompletedWithWarnings",
  "Failed",
  "Stopped",
  "Skipped",
];

/** Statuses in which an account occupies the wave's in-flight capacity. */
export const IN_FLIGHT_STATUSES: readonly AccountStatus[] = ["Queued", "Syncing", "Completing"];

export interface LastHour {
  readonly items: number;
  readonly bytes: number;
  readonly slices: number;
  readonly completed: number;
  readonly failed: number;
  readonly requests: number;
  readonly throttled: number;
}

export interface WindowStatus {
  readonly open: boolean;
  /** The open occurrence, or the next one when none is open. */
  readonly start?: string;
  readonly end?: string;
  readonly capacity?: number;
  /** Cutovers started in the open occurrence so far. */
  readonly released?: number;
  readonly capacityLeft?: number;
}

export interface WaveStatusReport {
  readonly waveId: string;
  readonly status: string;
  readonly description: string;
  readonly timeZone: string;
  readonly completeAfter?: string;
  /** When an operator asked to cut every synced account of the wave over now. */
  readonly completeNow?: string;
  readonly counts: WaveCounts;
  readonly inFlight: number;
  readonly settled: number;
  readonly remaining: number;
  readonly lastHour: LastHour;
  /** Failed share of the accounts that ended in the last hour; null when none ended. */
  readonly failureRate: number | null;
  /** Accounts ending per hour at the last hour's pace. */
  readonly accountsPerHour: number;
  readonly window: WindowStatus;
  /** Synced accounts the scheduler would not cut over now, by reason (read from up to 5,000). */
  readonly waiting: Readonly<Record<string, number>>;
  readonly eta: {
    /** When every remaining account should have ended at the last hour's pace; null without pace. */
    readonly wave: string | null;
    /** When the open window's work (in flight plus what it may still release) should be done. */
    readonly window: string | null;
    /** Whether that is before the window closes; null when no window is open or there is no pace. */
    readonly windowWorkFits: boolean | null;
  };
}

export interface StatusReport {
  readonly at: string;
  readonly waves: readonly WaveStatusReport[];
}

function sum(counts: WaveCounts, statuses: readonly AccountStatus[]): number {
  return statuses.reduce((total, status) => total + counts.byStatus[status], 0);
}

function later(now: Date, accounts: number, perHour: number): string | null {
  if (accounts === 0) return now.toISOString();
  if (perHour <= 0) return null;
  return new Date(now.getTime() + (accounts / perHour) * HOUR_MS).toISOString();
}

async function windowStatus(ports: AdminPorts, wave: Wave, now: Date): Promise<WindowStatus> {
  const open = openWindow(wave, now);
  if (open === undefined) {
    const next = nextWindow(wave, now);
    return next === undefined
      ? { open: false }
      : {
          open: false,
          start: next.start.toISOString(),
          end: next.end.toISOString(),
          capacity: next.window.capacity,
        };
  }
  const ledger = await ports.releases.get(wave.id, open.start.toISOString());
  const released = ledger?.released ?? 0;
  return {
    open: true,
    start: open.start.toISOString(),
    end: open.end.toISOString(),
    capacity: open.window.capacity,
    released,
    capacityLeft: Math.max(0, open.window.capacity - released),
  };
}

async function reportWave(
  ports: AdminPorts,
  wave: Wave,
  recent: readonly ActivityRecord[],
  now: Date,
): Promise<WaveStatusReport> {
  const [counts, window] = await Promise.all([
    ports.store.counters.waveCounts(wave.id),
    windowStatus(ports, wave, now),
  ]);
  // A hybrid wave's accounts wait for what the watcher recorded (an evening, an approval, a stall).
  const waiting =
    wave.engine === "hybrid"
      ? await hybridWaiting(ports, wave.id, WAITING_SAMPLE)
      : counts.byStatus.Synced > 0
        ? await waitingReasons(ports, wave, window, now)
        : {};
  const activity = summarise(recent);
  const ended = activity.completed + activity.failed;
  const inFlight = sum(counts, IN_FLIGHT_STATUSES);
  const settled = sum(counts, SETTLED_STATUSES);
  const remaining = Math.max(0, counts.accounts - settled);
  const perHour = ended;
  let windowEta: string | null = null;
  let fits: boolean | null = null;
  if (window.open && window.end !== undefined) {
    const releasable = Math.min(counts.byStatus.Synced, window.capacityLeft ?? 0);
    windowEta = later(now, inFlight + releasable, perHour);
    fits = windowEta === null ? null : Date.parse(windowEta) <= Date.parse(window.end);
  }
  return {
    waveId: wave.id,
    status: wave.status,
    description: wave.description,
    timeZone: wave.timeZone,
    ...(wave.completeAfter !== undefined ? { completeAfter: wave.completeAfter } : {}),
    ...(wave.completeNow !== undefined ? { completeNow: wave.completeNow } : {}),
    counts,
    inFlight,
    settled,
    remaining,
    lastHour: {
      items: activity.items,
      bytes: activity.bytes,
      slices: activity.slices,
      completed: activity.completed,
      failed: activity.failed,
      requests: activity.requests,
      throttled: activity.throttled,
    },
    failureRate: ended === 0 ? null : activity.failed / ended,
    accountsPerHour: perHour,
    window,
    waiting,
    eta: { wave: later(now, remaining, perHour), window: windowEta, windowWorkFits: fits },
  };
}

/** Why Synced accounts are not being cut over, as the scheduler decides it. */
async function waitingReasons(
  ports: AdminPorts,
  wave: Wave,
  window: WindowStatus,
  now: Date,
): Promise<Record<string, number>> {
  const queue = new CutoverQueue(wave, openWindow(wave, now), now, window.capacityLeft ?? 0);
  const reasons: Record<string, number> = {};
  let read = 0;
  let token: string | undefined;
  do {
    const page = await ports.store.accounts.listByStatus(wave.id, "Synced", {
      limit: 1000,
      ...(token ? { continuationToken: token } : {}),
    });
    for (const account of page.items) {
      const slot = queue.consider(account);
      if (!slot.take) reasons[slot.reason] = (reasons[slot.reason] ?? 0) + 1;
    }
    read += page.items.length;
    token = page.continuationToken;
  } while (token && read < WAITING_SAMPLE);
  return reasons;
}

/** The status of one wave, or of every wave (by id). */
export async function waveStatus(ports: AdminPorts, waveId?: string): Promise<StatusReport> {
  const now = ports.now();
  // The waves and one read of the last hour for all of them (split by wave afterwards), at once:
  // each round trip waits its turn on a busy table service.
  const [waves, recent] = await Promise.all([
    waveId === undefined ? ports.store.waves.list() : ports.store.waves.get(waveId).then((wave) => [wave]),
    ports.activity.between(now.getTime() - HOUR_MS, now.getTime() + 1, waveId),
  ]);
  const byWave = new Map<string, ActivityRecord[]>();
  for (const record of recent) byWave.set(record.waveId, [...(byWave.get(record.waveId) ?? []), record]);
  const reports = await mapLimit(waves, PARALLEL_WAVES, (wave) =>
    reportWave(ports, wave, byWave.get(wave.id) ?? [], now),
  );
  return { at: now.toISOString(), waves: reports };
}
