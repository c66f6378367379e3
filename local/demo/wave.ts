/**
 * The steps of a migration run on the embedded stack, shared by `npm start`, the e2e tests and the
 * benchmarks: a wave whose window is open now, the simulated tenant's inventory imported into it,
 * and a wait until every account has reached an end state.
 */
import { stringify } from "csv-stringify/sync";
import type { SimulatedAccount } from "../graph/index.js";
import {
  defineWave,
  TERMINAL_STATUSES,
  WEEKDAYS,
  type AccountStatus,
  type WaveCounts,
} from "../../shared/domain/index.js";
import type { MigrationStore } from "../../shared/store/port.js";

export interface OpenWaveOptions {
  readonly waveId: string;
  readonly capacity: number;
  readonly inFlightCap?: number;
  readonly badItemLimit?: number;
}

/** Creates an Active wave whose window is open all day, every day (so it is open now). */
export async function createOpenWave(
  store: MigrationStore,
  options: OpenWaveOptions,
  now: Date,
): Promise<void> {
  await store.waves.create(
    defineWave(
      {
        id: options.waveId,
        description: "demo wave: window open now",
        timeZone: "UTC",
        windows: [{ days: [...WEEKDAYS], start: "00:00", end: "24:00", capacity: options.capacity }],
        inFlightCap: options.inFlightCap ?? Math.max(1, options.capacity),
        // Copy and cut over in one go: each account is cut over as soon as its copy is done.
        cutoverUnsynced: true,
        ...(options.badItemLimit !== undefined ? { badItemLimit: options.badItemLimit } : {}),
      },
      now,
    ),
  );
  await store.waves.updateStatus(options.waveId, "Active", now);
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

/** Accounts that will not change any more without an operator. */
export function settledCount(counts: WaveCounts): number {
  const ended: AccountStatus[] = [...TERMINAL_STATUSES, "Failed", "Stopped", "Skipped"];
  return ended.reduce((sum, status) => sum + counts.byStatus[status], 0);
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly pollMs?: number;
  readonly onTick?: (counts: WaveCounts) => void | Promise<void>;
}

/** Polls the wave's counters until `total` accounts have settled; throws on timeout. */
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
    if (settledCount(counts) >= total) return counts;
    if (Date.now() - started > options.timeoutMs) {
      throw new Error(
        `wave ${waveId}: ${settledCount(counts)} of ${total} accounts settled after ${options.timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 500));
  }
}
