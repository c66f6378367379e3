/**
 * The steps of a migration run on the embedded stack, shared by `npm start`, the e2e tests and the
 * benchmarks: a wave whose window is open now, the simulated tenant's inventory imported into it,
 * and a wait until every account has reached an end state.
 */
import { stringify } from "csv-stringify/sync";
import type { SimulatedAccount } from "@mailferry/azure-local/graph";
import {
  defineWave,
  TERMINAL_STATUSES,
  WEEKDAYS,
  type AccountStatus,
  type WaveCounts,
  type WaveSettings,
  type WaveWindow,
} from "../../shared/domain/index.js";
import type { MigrationStore } from "../../shared/store/port.js";

export interface OpenWaveOptions {
  readonly waveId: string;
  readonly capacity: number;
  readonly inFlightCap?: number;
  readonly badItemLimit?: number;
  /** Further wave settings (pre-staging, finalize actions, age policy...). */
  readonly settings?: Omit<WaveSettings, "id" | "timeZone" | "windows">;
  /** The status the wave starts in (default Active); Paused holds it until someone resumes it. */
  readonly status?: "Active" | "Paused";
}

function clock(at: Date): string {
  return `${String(at.getUTCHours()).padStart(2, "0")}:${String(at.getUTCMinutes()).padStart(2, "0")}`;
}

/** A daily UTC window that opened a minute before `now` and lasts six hours. */
export function windowOpenAt(now: Date, capacity: number): WaveWindow {
  const start = new Date(now.getTime() - 60_000);
  return {
    days: [...WEEKDAYS],
    start: clock(start),
    end: clock(new Date(start.getTime() + 6 * 3_600_000)),
    capacity,
  };
}

/** A daily UTC window that opens six hours after `now`, so it is closed now. */
export function windowClosedAt(now: Date, capacity: number): WaveWindow {
  const start = new Date(now.getTime() + 6 * 3_600_000);
  return {
    days: [...WEEKDAYS],
    start: clock(start),
    end: clock(new Date(start.getTime() + 3_600_000)),
    capacity,
  };
}

/** Creates an Active wave whose window is open all day, every day (so it is open now). */
export async function createOpenWave(
  store: MigrationStore,
  options: OpenWaveOptions,
  now: Date,
): Promise<void> {
  await createStartedWave(
    store,
    options,
    [{ days: [...WEEKDAYS], start: "00:00", end: "24:00", capacity: options.capacity }],
    now,
  );
}

/**
 * Creates an Active wave that pre-stages: its window is closed now, so accounts copy and wait
 * Synced until `openWindowNow` opens it. Accounts that finish after the window opened are cut
 * over in it too: windows start on a whole minute, so one opened "now" may start before the last
 * account synced.
 */
export async function createPrestagingWave(
  store: MigrationStore,
  options: OpenWaveOptions,
  now: Date,
): Promise<void> {
  await createStartedWave(
    store,
    { ...options, settings: { ...options.settings, prestage: true } },
    [windowClosedAt(now, options.capacity)],
    now,
  );
}

/** Replaces a wave's windows with one that is open now, with room for `capacity` cutovers. */
export async function openWindowNow(
  store: MigrationStore,
  waveId: string,
  capacity: number,
  now: Date,
): Promise<void> {
  const wave = await store.waves.get(waveId);
  await store.waves.update(
    waveId,
    wave.etag,
    { timeZone: "UTC", windows: [windowOpenAt(now, capacity)] },
    now,
  );
}

/** Creates a wave with these windows and starts it (Active, or Paused when asked). */
async function createStartedWave(
  store: MigrationStore,
  options: OpenWaveOptions,
  windows: readonly WaveWindow[],
  now: Date,
): Promise<void> {
  await store.waves.create(
    defineWave(
      {
        id: options.waveId,
        description: "demo wave",
        timeZone: "UTC",
        windows,
        inFlightCap: options.inFlightCap ?? Math.max(1, options.capacity),
        // Copy and cut over in one go: each account is cut over as soon as its copy is done.
        cutoverUnsynced: true,
        ...(options.badItemLimit !== undefined ? { badItemLimit: options.badItemLimit } : {}),
        ...options.settings,
      },
      now,
    ),
  );
  await store.waves.updateStatus(options.waveId, options.status ?? "Active", now);
}

/** The simulated tenant's inventory as the CSV an operator would import. */
export function inventoryCsv(inventory: readonly SimulatedAccount[]): string {
  return stringify(
    inventory.map((entry) => ({ sourceUpn: entry.sourceUpn, targetUpn: entry.targetUpn })),
    { header: true },
  );
}

/** Imports the simulated tenant's accounts into a wave (straight into the store). */
export async function importInventory(
  store: MigrationStore,
  waveId: string,
  inventory: readonly SimulatedAccount[],
  now: Date,
): Promise<void> {
  const rows = inventory.map((entry) => ({
    waveId,
    source: { upn: entry.sourceUpn },
    target: { upn: entry.targetUpn },
    priority: 0,
  }));
  for (let start = 0; start < rows.length; start += 500) {
    await store.accounts.upsertImported(rows.slice(start, start + 500), now);
  }
}

/** Accounts pre-staged and waiting for their window, or ended. */
export function prestagedCount(counts: WaveCounts): number {
  return settledCount(counts) + counts.byStatus.Synced;
}

/** Accounts that will not change any more without an operator. */
export function settledCount(counts: WaveCounts): number {
  const ended: AccountStatus[] = [...TERMINAL_STATUSES, "Failed", "Stopped", "Skipped"];
  return ended.reduce((sum, status) => sum + counts.byStatus[status], 0);
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly onTick?: (counts: WaveCounts) => void | Promise<void>;
  /** How many accounts have got where the caller waits for them (default: settled). */
  readonly reached?: (counts: WaveCounts) => number;
}

/** Polls the wave's counters until `total` accounts have got there (settled); throws on timeout. */
export async function waitForWave(
  store: MigrationStore,
  waveId: string,
  total: number,
  options: WaitOptions,
): Promise<WaveCounts> {
  const started = Date.now();
  for (;;) {
    const counts = await store.counters.waveCounts(waveId);
    await options.onTick?.(counts);
    const reached = (options.reached ?? settledCount)(counts);
    if (reached >= total) return counts;
    if (Date.now() - started > options.timeoutMs) {
      throw new Error(
        `wave ${waveId}: ${reached} of ${total} accounts got there after ${options.timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}
