/**
 * The steps of a hybrid migration on the embedded stack, shared by `npm start -- --engine hybrid`,
 * the e2e tests and the benchmark: the simulated organisation's inventory as an operator exports it
 * from on-premises (with each mailbox's ExchangeGuid and ArchiveGuid), a hybrid wave with an evening
 * window, and the check of what Exchange left behind.
 */
import { stringify } from "csv-stringify/sync";
import type { ExpectedMove, HybridAccount } from "@mailferry/azure-local/exchange";
import {
  defineWave,
  type HybridSettings,
  type WaveSettings,
  type WaveWindow,
  WEEKDAYS,
} from "../../shared/domain/index.js";
import type { MigrationStore } from "../../shared/store/port.js";

export interface HybridWaveOptions {
  readonly waveId: string;
  readonly hybrid: Pick<HybridSettings, "endpoint" | "targetDeliveryDomain"> & Partial<HybridSettings>;
  readonly windows: readonly WaveWindow[];
  readonly settings?: Omit<WaveSettings, "id" | "timeZone" | "windows" | "engine" | "hybrid">;
  readonly status?: "Active" | "Paused";
}

/** A window every day from `start` to `end` (UTC, HH:MM) with room for `capacity` accounts. */
export function dailyWindow(start: string, end: string, capacity: number): WaveWindow {
  return { days: [...WEEKDAYS], start, end, capacity };
}

/** Creates a hybrid wave and starts it. */
export async function createHybridWave(
  store: MigrationStore,
  options: HybridWaveOptions,
  now: Date,
): Promise<void> {
  await store.waves.create(
    defineWave(
      {
        id: options.waveId,
        description: "hybrid wave",
        timeZone: "UTC",
        windows: options.windows,
        engine: "hybrid",
        hybrid: options.hybrid,
        ...options.settings,
      },
      now,
    ),
  );
  await store.waves.updateStatus(options.waveId, options.status ?? "Active", now);
}

/** The organisation's inventory as the CSV `mailferry import` reads, GUIDs from on-premises included. */
export function hybridInventoryCsv(accounts: readonly HybridAccount[]): string {
  return stringify(
    accounts.map((account) => ({
      sourceUpn: account.upn,
      targetUpn: account.upn,
      exchangeGuid: account.exchangeGuid,
      archiveGuid: account.archiveGuid ?? "",
    })),
    { header: true, columns: ["sourceUpn", "targetUpn", "exchangeGuid", "archiveGuid"] },
  );
}

/** Imports the organisation's accounts straight into the store. */
export async function importHybridInventory(
  store: MigrationStore,
  waveId: string,
  accounts: readonly HybridAccount[],
  now: Date,
): Promise<void> {
  const rows = accounts.map((account) => ({
    waveId,
    source: {
      upn: account.upn,
      exchangeGuid: account.exchangeGuid,
      ...(account.archiveGuid !== undefined ? { archiveGuid: account.archiveGuid } : {}),
    },
    target: { upn: account.upn },
    priority: 0,
  }));
  for (let start = 0; start < rows.length; start += 500) {
    await store.accounts.upsertImported(rows.slice(start, start + 500), now);
  }
}

/** What a completed account should look like afterwards, by the wave's choice of mailbox parts. */
export function expectedMove(mailboxes: HybridSettings["mailboxes"]): ExpectedMove {
  return mailboxes;
}
