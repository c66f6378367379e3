/** Hybrid waves on the embedded stack for the e2e tests: fast MRS, fast timers, small organisations. */
import { createHybridWave, type HybridWaveOptions, importHybridInventory } from "../../local/demo/hybrid.js";
import { settledCount, waitForWave } from "../../local/demo/wave.js";
import type { ExchangeSimulator, ExchangeSimulatorOptions } from "@mailferry/azure-local/exchange";
import { startEmulators, type Emulators, type StackOptions } from "../../local/stack.js";
import { readTablesSettings } from "../../shared/config/index.js";
import { createStore } from "../../shared/store/index.js";
import type { AccountStatus, WaveCounts } from "../../shared/domain/index.js";
import { services } from "../../functions/services.js";
import type { MigrationStore } from "../../shared/store/port.js";
import { silentLogger } from "../../shared/telemetry/logger.js";
import { startTestStack, type TestStackOptions } from "./support.js";

/** Timers and knobs that run a hybrid wave in seconds of real time. */
export const FAST_HYBRID: Readonly<Record<string, string>> = {
  MAILFERRY_SCHEDULER_SCHEDULE: "* * * * * *",
  MAILFERRY_WATCH_SCHEDULE: "*/2 * * * * *",
  MAILFERRY_SWEEPER_SCHEDULE: "*/5 * * * * *",
  MAILFERRY_LEASE_SECONDS: "30",
  MAILFERRY_SLICE_SECONDS: "5",
  MAILFERRY_REQUEUE_AFTER_SECONDS: "10",
  MAILFERRY_RELEASE_MIN: "50",
  MAILFERRY_HYBRID_PROGRESS_SECONDS: "2",
  MAILFERRY_HYBRID_SYNCED_SECONDS: "2",
};

/** Moves that take about a second: small mailboxes, quick start and completion. */
export const FAST_MRS: NonNullable<ExchangeSimulatorOptions["mrs"]> = {
  startupMs: 300,
  copyBytesPerSecond: 100 * 1024 * 1024,
  completionMs: 500,
  scoreOdds: { Perfect: 0.8, Good: 0.2, Investigate: 0, Poor: 0 },
};

export interface HybridStack {
  /** The emulators (and, unless the test runs the app elsewhere, the host running it). */
  readonly stack: Emulators;
  readonly exchange: ExchangeSimulator;
  readonly store: MigrationStore;
}

/**
 * A stack whose Exchange simulator has a small organisation and a migration endpoint "onprem".
 * With `host: false` only the emulators run (the test runs the app in a process of its own).
 */
export async function startHybridStack(
  exchange: Omit<ExchangeSimulatorOptions, "clock">,
  options: {
    readonly settings?: Record<string, string>;
    readonly clock?: StackOptions["clock"];
    readonly decorateServices?: TestStackOptions["decorateServices"];
    readonly host?: false;
  } = {},
): Promise<HybridStack> {
  const stackOptions: StackOptions = {
    logger: silentLogger,
    stopGraceMs: 5_000,
    graph: { mailboxes: 1, itemsPerMailbox: 1, plantTrouble: false },
    exchange: {
      endpoint: { name: "onprem" },
      ...exchange,
      organisation: { meanMailboxBytes: 20 * 1024 * 1024, ...exchange.organisation },
      mrs: { ...FAST_MRS, ...exchange.mrs },
    },
    settings: { ...FAST_HYBRID, ...options.settings },
    ...(options.clock !== undefined ? { clock: options.clock } : {}),
  };
  if (options.host === false) {
    const emulators = await startEmulators(stackOptions);
    if (emulators.exchange === undefined) throw new Error("the stack has no Exchange simulator");
    const store = await createStore(readTablesSettings(emulators.settings));
    return {
      stack: {
        ...emulators,
        close: async () => {
          await store.close();
          await emulators.close();
        },
      },
      exchange: emulators.exchange,
      store,
    };
  }
  const stack = await startTestStack({
    ...stackOptions,
    ...(options.decorateServices !== undefined ? { decorateServices: options.decorateServices } : {}),
  });
  if (stack.exchange === undefined) throw new Error("the stack has no Exchange simulator");
  return { stack, exchange: stack.exchange, store: (await services()).store };
}

/** Creates a hybrid wave over the whole organisation (or `only` these accounts) and imports them. */
export async function startHybridWave(
  hybrid: HybridStack,
  options: Omit<HybridWaveOptions, "hybrid"> & { readonly hybrid?: Partial<HybridWaveOptions["hybrid"]> },
  now: Date,
  only?: (upn: string) => boolean,
): Promise<number> {
  const { exchange, store } = hybrid;
  const accounts = exchange.inventory().filter((account) => only?.(account.upn) ?? true);
  await createHybridWave(
    store,
    {
      ...options,
      hybrid: { endpoint: "onprem", targetDeliveryDomain: exchange.targetDeliveryDomain, ...options.hybrid },
    },
    now,
  );
  await importHybridInventory(store, options.waveId, accounts, now);
  return accounts.length;
}

/** Waits until `count` accounts of the wave are in one of `statuses`. */
export function waitForStatuses(
  store: MigrationStore,
  waveId: string,
  statuses: readonly AccountStatus[],
  count: number,
  timeoutMs = 90_000,
): Promise<WaveCounts> {
  return waitForWave(store, waveId, count, {
    timeoutMs,
    pollMs: 200,
    reached: (counts) => statuses.reduce((sum, status) => sum + counts.byStatus[status], 0),
  });
}

/** Waits until every account of the wave has settled. */
export function waitForSettled(
  store: MigrationStore,
  waveId: string,
  count: number,
  timeoutMs = 90_000,
): Promise<WaveCounts> {
  return waitForWave(store, waveId, count, { timeoutMs, pollMs: 200, reached: settledCount });
}
