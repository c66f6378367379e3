/**
 * Night-wave benchmark: N accounts with near-empty mailboxes through the whole pipeline on the
 * embedded stack (scheduler → Service Bus → mover → Graph simulator, state in Azurite), from
 * release to the last account settled. Run: `npx tsx bench/night-wave.ts [--accounts 22000]`.
 */
import { parseArgs } from "node:util";
import { startStack } from "../local/stack.js";
import { createOpenWave, importInventory, waitForWave } from "../local/demo/wave.js";
import { services } from "../shared/runtime/services.js";
import { silentLogger } from "../shared/telemetry/logger.js";
import { printFigures } from "./lib/report.js";

const { values } = parseArgs({ options: { accounts: { type: "string", default: "22000" } } });
const accounts = Number(values.accounts);

const stack = await startStack({
  logger: silentLogger,
  graph: { mailboxes: accounts, itemsPerMailbox: 1, seed: 1, plantTrouble: false, scaleWindows: 0.01 },
  settings: {
    MAILFERRY_SCHEDULER_SCHEDULE: "* * * * * *",
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
  const started = Date.now();
  await createOpenWave(store, { waveId: "night", capacity: accounts, inFlightCap: 2_000 }, new Date());
  const counts = await waitForWave(store, "night", inventory.length, {
    timeoutMs: 3 * 60 * 60_000,
    pollMs: 2_000,
  });
  const seconds = (Date.now() - started) / 1000;
  printFigures("night-wave", {
    accounts: inventory.length,
    completed: counts.byStatus.Completed + counts.byStatus.CompletedWithWarnings,
    failed: counts.byStatus.Failed,
    importSeconds: Number(importSeconds.toFixed(1)),
    totalSeconds: Number(seconds.toFixed(1)),
    accountsPerSecond: Number((inventory.length / seconds).toFixed(2)),
  });
} finally {
  await stack.close();
}
