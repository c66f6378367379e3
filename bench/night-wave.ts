/**
 * Night-wave benchmark: N accounts with near-empty mailboxes through the whole pipeline on the
 * embedded stack (scheduler → Service Bus → mover → Graph simulator, state in Azurite).
 * Default: one open window, from release to the last account settled. `--prestaged`: the
 * accounts are first copied outside any window (pre-staging), each source mailbox then gets a
 * small delta, and the figure is the evening: the window opens and every account gets its final
 * pass and its cutover. Run: `npx tsx bench/night-wave.ts [--accounts 22000] [--prestaged]`.
 */
import { parseArgs } from "node:util";
import { startStack } from "../local/stack.js";
import {
  createOpenWave,
  createPrestagingWave,
  importInventory,
  openWindowNow,
  prestagedCount,
  waitForWave,
} from "../local/demo/wave.js";
import { services } from "../functions/services.js";
import { silentLogger } from "../shared/telemetry/logger.js";
import { printFigures } from "./lib/report.js";
import { cpuSecondsOf, ownCpuSeconds, RequestCounter } from "./lib/usage.js";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "22000" },
    prestaged: { type: "boolean", default: false },
    "delta-items": { type: "string", default: "1" },
  },
});
const accounts = Number(values.accounts);
const deltaItems = Number(values["delta-items"]);
const TIMEOUT_MS = 3 * 60 * 60_000;

const stack = await startStack({
  logger: silentLogger,
  graph: { mailboxes: accounts, itemsPerMailbox: 1, seed: 1, plantTrouble: false, scaleWindows: 0.01 },
  settings: {
    // Often enough to keep the moves queue fed; each run reads the wave's counters and listings.
    MAILFERRY_SCHEDULER_SCHEDULE: "*/5 * * * * *",
    MAILFERRY_SWEEPER_SCHEDULE: "*/30 * * * * *",
    MAILFERRY_SLICE_SECONDS: "60",
    MAILFERRY_REQUEUE_AFTER_SECONDS: "600",
    MAILFERRY_RELEASE_MIN: "500",
    MAILFERRY_RELEASE_MAX: "5000",
    MAILFERRY_RELEASE_STEP: "500",
    MAILFERRY_GRAPH_WINDOW_SCALE: "0.01",
    MAILFERRY_ALERTS_SCHEDULE: "0 0 0 1 1 *",
  },
});
try {
  const graph = stack.graph;
  if (!graph) throw new Error("no simulator");
  const { store } = await services();
  const inventory = graph.inventory();
  const importStarted = Date.now();
  await importInventory(store, "night", inventory, new Date());
  const importSeconds = (Date.now() - importStarted) / 1000;
  const wave = { waveId: "night", capacity: accounts, inFlightCap: 500 };
  let prestageSeconds: number | undefined;
  if (values.prestaged) {
    const prestageStarted = Date.now();
    await createPrestagingWave(store, { ...wave, settings: { incrementalHours: 0 } }, new Date());
    await waitForWave(store, "night", inventory.length, {
      timeoutMs: TIMEOUT_MS,
      pollMs: 5_000,
      reached: prestagedCount,
    });
    prestageSeconds = (Date.now() - prestageStarted) / 1000;
    // The day's changes: a little new mail in every mailbox.
    for (const entry of inventory) {
      for (let n = 0; n < deltaItems; n += 1) graph.mutate.addItem(entry.sourceUpn, "Inbox", { size: 4_000 });
    }
  }
  // What the measured part costs: requests by endpoint, and CPU of Azurite (one thread) and of
  // this process (host, Service Bus emulator and Graph simulator).
  const requests = new RequestCounter().start();
  const azuriteCpuBefore = cpuSecondsOf(stack.azurite.pid);
  const ownCpuBefore = ownCpuSeconds();
  const started = Date.now();
  if (values.prestaged) await openWindowNow(store, "night", accounts, new Date());
  else await createOpenWave(store, wave, new Date());
  const counts = await waitForWave(store, "night", inventory.length, {
    timeoutMs: TIMEOUT_MS,
    pollMs: 5_000,
  });
  const seconds = (Date.now() - started) / 1000;
  requests.stop();
  const azuriteCpuAfter = cpuSecondsOf(stack.azurite.pid);
  const azuriteCpu =
    azuriteCpuBefore === undefined || azuriteCpuAfter === undefined
      ? undefined
      : azuriteCpuAfter - azuriteCpuBefore;
  const tableRequests = requests.countFor(stack.azurite.tableEndpoint);
  const perAccount = (value: number): number => Number((value / inventory.length).toFixed(1));
  printFigures(values.prestaged ? "night-wave (pre-staged, cutover evening)" : "night-wave", {
    accounts: inventory.length,
    completed: counts.byStatus.Completed + counts.byStatus.CompletedWithWarnings,
    failed: counts.byStatus.Failed,
    importSeconds: Number(importSeconds.toFixed(1)),
    ...(prestageSeconds === undefined ? {} : { prestageSeconds: Number(prestageSeconds.toFixed(1)) }),
    ...(values.prestaged ? { deltaItemsPerAccount: deltaItems } : {}),
    totalSeconds: Number(seconds.toFixed(1)),
    accountsPerSecond: Number((inventory.length / seconds).toFixed(2)),
    tableRequestsPerAccount: perAccount(tableRequests),
    graphRequestsPerAccount: perAccount(requests.countFor(graph.baseUrl)),
    hostCpuSeconds: Number((ownCpuSeconds() - ownCpuBefore).toFixed(1)),
    ...(azuriteCpu === undefined
      ? {}
      : {
          // Azurite answers on one thread: a wave cannot take less time than this.
          azuriteCpuSeconds: Number(azuriteCpu.toFixed(1)),
          azuriteCpuMsPerTableRequest: Number(((azuriteCpu * 1000) / Math.max(1, tableRequests)).toFixed(2)),
        }),
  });
} finally {
  await stack.close();
}
