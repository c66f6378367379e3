/**
 * Where every wave stands: account counts per status from the wave counters (one read per wave,
 * however large), what was copied, the failure rate of the accounts that finished a step, the
 * last hour's copy pace from the activity log, why synced accounts wait and when their window
 * opens, and when the wave should be done given its windows, their capacity and that pace.
 */
import { summarise, type ActivityRecord } from "../activity/port.js";
import {
  COPIED_IN_WINDOW,
  CutoverQueue,
  NO_WINDOW_OPEN,
  SETTLED_STATUSES,
  nextWindow,
  openWindow,
  type AccountStatus,
  type Wave,
  type WaveCounts,
  type WindowOccurrence,
} from "../domain/index.js";
import { SYNCED_DETAIL } from "../mover/hybrid/watch.js";
import { mapLimit } from "../store/concurrency.js";
import { projectEta } from "./eta.js";
import { hybridWaiting } from "./hybrid.js";
import type { AdminPorts } from "./ports.js";

const HOUR_MS = 60 * 60 * 1000;
const PARALLEL_WAVES = 4;
/** Most Synced accounts read to explain why they wait; beyond it the figures are a sample. */
const WAITING_SAMPLE = 5_000;

export { SETTLED_STATUSES } from "../domain/index.js";

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

/** One occurrence of a window. */
export interface WindowOccurrenceReport {
  readonly start: string;
  readonly end: string;
  readonly capacity: number;
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
  /** The next occurrence to open after now (after the open one, when one is open). */
  readonly next?: WindowOccurrenceReport;
}

/** Synced accounts that wait for a later window, when it opens, and what would cut them over sooner. */
export interface CutoverWait {
  readonly accounts: number;
  /** When the next window they may be cut over in opens; absent when the wave has none ahead. */
  readonly opens?: string;
  /** What would cut them over sooner: the command, and what it does. */
  readonly sooner: readonly { readonly command: string; readonly effect: string }[];
}

/** The measured copy pace: accounts that finished a copy pass, items and bytes copied, per hour. */
export interface CopyPace {
  readonly accountsPerHour: number;
  readonly itemsPerHour: number;
  readonly bytesPerHour: number;
}

export interface WaveStatusReport {
  readonly waveId: string;
  readonly status: string;
  readonly description: string;
  readonly timeZone: string;
  readonly engine: string;
  readonly completeAfter?: string;
  /** When an operator asked to cut every synced account of the wave over now. */
  readonly completeNow?: string;
  readonly counts: WaveCounts;
  readonly inFlight: number;
  readonly settled: number;
  readonly remaining: number;
  readonly lastHour: LastHour;
  /**
   * Failed share of the accounts that finished a step (pre-flight, pre-staging, cutover): Failed
   * against Failed plus Synced, Completing and Completed ones. Null when none finished a step.
   */
  readonly failureRate: number | null;
  /** Accounts that finished a step, the failure rate's denominator. */
  readonly finishedStep: number;
  readonly copyPace: CopyPace;
  readonly window: WindowStatus;
  /** Synced accounts the scheduler would not cut over now, by reason (read from up to 5,000). */
  readonly waiting: Readonly<Record<string, number>>;
  /** Synced accounts waiting for a later window; absent when none do. */
  readonly cutoverWait?: CutoverWait;
  readonly eta: {
    /** When the last remaining accounts may start their cutover (windows, capacity, copy pace); null when unknown. */
    readonly wave: string | null;
    /** Why there is no ETA. */
    readonly why?: string;
    /** The window occurrence whose cutovers end the wave. */
    readonly lastWindow?: { readonly start: string; readonly end: string };
    /** When the remaining copies should be finished at the measured pace. */
    readonly copiesDone: string | null;
    /** Whether the open window has copied accounts for all its cutovers left; null when none is open. */
    readonly windowFilled: boolean | null;
  };
}

export interface StatusReport {
  readonly at: string;
  readonly waves: readonly WaveStatusReport[];
}

function sum(counts: WaveCounts, statuses: readonly AccountStatus[]): number {
  return statuses.reduce((total, status) => total + counts.byStatus[status], 0);
}

/** Statuses of accounts that finished at least one step without failing. */
const PAST_A_STEP: readonly AccountStatus[] = ["Synced", "Completing", "Completed", "CompletedWithWarnings"];

/** Waiting reasons of Synced accounts that a later window (not capacity or an operator) will end. */
const NEXT_WINDOW_REASONS: ReadonlySet<string> = new Set([NO_WINDOW_OPEN, COPIED_IN_WINDOW]);

function occurrence(found: WindowOccurrence | undefined): WindowOccurrenceReport | undefined {
  return found === undefined
    ? undefined
    : { start: found.start.toISOString(), end: found.end.toISOString(), capacity: found.window.capacity };
}

async function windowStatus(ports: AdminPorts, wave: Wave, now: Date): Promise<WindowStatus> {
  const open = openWindow(wave, now);
  const next = occurrence(nextWindow(wave, now));
  if (open === undefined) {
    return next === undefined ? { open: false } : { open: false, ...next, next };
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
    ...(next !== undefined ? { next } : {}),
  };
}

/** Accounts that finished a copy pass (initial or incremental) in the records. */
function copiedAccounts(records: readonly ActivityRecord[]): number {
  const accounts = new Set<string>();
  for (const record of records) {
    if (record.kind === "slice" && (record.detail === "done" || record.detail === SYNCED_DETAIL)) {
      accounts.add(record.accountId);
    }
  }
  return accounts.size;
}

function cutoverWait(wave: Wave, window: WindowStatus, accounts: number): CutoverWait | undefined {
  if (accounts === 0) return undefined;
  return {
    accounts,
    ...(window.next !== undefined ? { opens: window.next.start } : {}),
    sooner: [
      {
        command: `mailferry wave complete ${wave.id}`,
        effect: "cuts the synced accounts over now, without waiting for a window",
      },
      // The setting only helps accounts that finished copying inside an open window.
      ...(wave.cutoverUnsynced || !window.open
        ? []
        : [
            {
              command: "mailferry wave create … --cutover-unsynced",
              effect: "a wave made so cuts accounts over in the window their copy finished in",
            },
          ]),
    ],
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
  const inFlight = sum(counts, IN_FLIGHT_STATUSES);
  const settled = sum(counts, SETTLED_STATUSES);
  const remaining = Math.max(0, counts.accounts - settled);
  const finishedStep = counts.byStatus.Failed + sum(counts, PAST_A_STEP);
  const copyPace: CopyPace = {
    accountsPerHour: copiedAccounts(recent),
    itemsPerHour: activity.items,
    bytesPerHour: activity.bytes,
  };
  const forNextWindow = Object.entries(waiting)
    .filter(([reason]) => NEXT_WINDOW_REASONS.has(reason))
    .reduce((total, [, accounts]) => total + accounts, 0);
  const open = openWindow(wave, now);
  const completeNow = wave.completeNow !== undefined && Date.parse(wave.completeNow) <= now.getTime();
  const projection = projectEta({
    schedule: wave,
    now,
    toCopy: counts.byStatus.Pending + counts.byStatus.Queued + counts.byStatus.Syncing,
    copiedPerHour: copyPace.accountsPerHour,
    readyNow: Math.max(0, counts.byStatus.Synced - forNextWindow),
    readyNext: forNextWindow,
    completing: counts.byStatus.Completing,
    ...(open !== undefined ? { open: { occurrence: open, capacityLeft: window.capacityLeft ?? 0 } } : {}),
    completeNow,
    cutoverUnsynced: wave.cutoverUnsynced,
  });
  const wait = completeNow ? undefined : cutoverWait(wave, window, forNextWindow);
  return {
    waveId: wave.id,
    status: wave.status,
    description: wave.description,
    timeZone: wave.timeZone,
    engine: wave.engine,
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
    failureRate: finishedStep === 0 ? null : counts.byStatus.Failed / finishedStep,
    finishedStep,
    copyPace,
    window,
    waiting,
    ...(wait !== undefined ? { cutoverWait: wait } : {}),
    eta: {
      wave: projection.wave,
      ...(projection.why !== undefined ? { why: projection.why } : {}),
      ...(projection.lastWindow !== undefined ? { lastWindow: projection.lastWindow } : {}),
      copiesDone: projection.copiesDone,
      windowFilled: projection.openWindowFilled,
    },
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
