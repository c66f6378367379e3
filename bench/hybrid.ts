/**
 * Hybrid benchmark: a weekend wave of 83,000 accounts moved by Exchange's own moves, in simulated
 * time. The Exchange simulator runs in a process of its own with the same simulated clock; the
 * control plane (scheduler, mover, watcher on the embedded stack, state in Azurite) runs here. The
 * week starts on a Monday; the wave pre-stages until its weekend window (Friday 19:00 to Monday
 * 07:00, capacity 83,000) and Exchange completes the moves in it.
 *
 * It prints the REST calls per account (and per account and hour of watching), how full the
 * endpoint's MaxConcurrentMigrations slots were kept while pre-staging, the control plane's wall
 * time, and whether the evening's completions equalled its capacity.
 *
 * Run: `npx tsx bench/hybrid.ts [--accounts 83000] [--factor 300] [--max-concurrent 100]`.
 */
import { parseArgs } from "node:util";
import { createHybridWave, importHybridInventory } from "../local/demo/hybrid.js";
import { settledCount, waitForWave } from "../local/demo/wave.js";
import { startStack } from "../local/stack.js";
import { nextWindow, type WaveWindow } from "../shared/domain/index.js";
import { decorateServices, services } from "../functions/services.js";
import { createLogger } from "../shared/telemetry/logger.js";
import { anchoredClock } from "./lib/anchored-clock.js";
import { startRemoteExchange } from "./lib/remote-exchange.js";
import { printFigures } from "./lib/report.js";
import { cpuSecondsOf, ownCpuSeconds, RequestCounter } from "./lib/usage.js";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "83000" },
    factor: { type: "string", default: "300" },
    "max-concurrent": { type: "string", default: "100" },
    "mailbox-mb": { type: "string", default: "600" },
  },
});
const accounts = Number(values.accounts);
const factor = Number(values.factor);
const maxConcurrent = Number(values["max-concurrent"]);
const mailboxBytes = Number(values["mailbox-mb"]) * 1024 * 1024;
for (const [name, value] of Object.entries({ accounts, factor, maxConcurrent, mailboxBytes })) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a number > 0`);
}
const WAVE = "weekend";
/** A Monday: the wave pre-stages through the week. */
const MONDAY = Date.UTC(2026, 2, 2, 0, 0);
const WEEKEND: WaveWindow = { days: ["Fri"], start: "19:00", end: "Mon 07:00", capacity: accounts };
const HOUR = 3_600_000;
const TIMEOUT_MS = 6 * HOUR;

const anchor = { factor, realAnchor: Number.MAX_SAFE_INTEGER, virtualAnchor: MONDAY };
const clock = anchoredClock(anchor);
const exchange = await startRemoteExchange({
  clock: anchor,
  organisation: { seed: 1, mailboxes: accounts, meanMailboxBytes: mailboxBytes, archiveRate: 0.1 },
  mrs: {
    copyBytesPerSecond: 2 * 1024 * 1024,
    scoreOdds: { Perfect: 0.95, Good: 0.05, Investigate: 0, Poor: 0 },
  },
  faults: { concurrentRequestsPerTenant: 16, latencyMs: 2 },
  endpoint: { name: "onprem", maxConcurrentMigrations: maxConcurrent },
});
// The watcher's own account of its runs: how many, and how long each took.
const watcherRuns: number[] = [];
const logger = createLogger({
  level: "info",
  sink: (line) => {
    if (!line.includes('"watcher ran"')) return;
    const ms = (JSON.parse(line) as { ms?: number }).ms;
    if (typeof ms === "number") watcherRuns.push(ms);
  },
});
// The app takes its time from the same jumping clock as the host's timers and the simulator.
decorateServices((built) => ({ ...built, now: () => clock.now() }));
const stack = await startStack({
  logger,
  clock,
  exchange: false,
  graph: { mailboxes: 1, itemsPerMailbox: 1, plantTrouble: false },
  settings: {
    ...exchange.settings,
    EXCHANGE_MAX_CONCURRENT_REQUESTS: "8",
    MAILFERRY_SCHEDULER_SCHEDULE: "0 */5 * * * *",
    MAILFERRY_WATCH_SCHEDULE: "30 */5 * * * *",
    MAILFERRY_SWEEPER_SCHEDULE: "0 */30 * * * *",
    MAILFERRY_ALERTS_SCHEDULE: "0 0 0 1 1 *",
    MAILFERRY_LEASE_SECONDS: String(24 * 3600),
    MAILFERRY_REQUEUE_AFTER_SECONDS: String(2 * 3600),
    MAILFERRY_RELEASE_MIN: "500",
    MAILFERRY_RELEASE_MAX: "5000",
    MAILFERRY_HYBRID_PROGRESS_SECONDS: "900",
    MAILFERRY_HYBRID_SYNCED_SECONDS: "900",
  },
});
try {
  const { store } = await services();
  const importStarted = Date.now();
  await importHybridInventory(store, WAVE, exchange.inventory, new Date(MONDAY));
  const importSeconds = (Date.now() - importStarted) / 1000;
  await createHybridWave(
    store,
    {
      waveId: WAVE,
      hybrid: {
        endpoint: "onprem",
        targetDeliveryDomain: exchange.targetDeliveryDomain,
        maxConcurrentMigrations: maxConcurrent,
      },
      windows: [WEEKEND],
      settings: { inFlightCap: 1_000_000 },
    },
    new Date(MONDAY),
  );
  // The week starts now, in both processes.
  const realStart = Date.now() + 200;
  clock.reanchor({ realAnchor: realStart });
  exchange.reanchor({ realAnchor: realStart });
  const window = nextWindow({ timeZone: "UTC", windows: [WEEKEND] }, new Date(MONDAY));
  if (window === undefined) throw new Error("no weekend window");
  // Once every account is pre-staged nothing happens until the window but Exchange's incremental
  // syncs: the clock jumps to half an hour before it (both processes), rather than wait it out.
  let jumped = false;
  let prestagedAt: number | undefined;
  const requests = new RequestCounter().start();
  const azuriteBefore = cpuSecondsOf(stack.azurite.pid);
  const ownBefore = ownCpuSeconds();
  const counts = await waitForWave(store, WAVE, accounts, {
    timeoutMs: TIMEOUT_MS,
    pollMs: 5_000,
    reached: settledCount,
    onTick: (now) => {
      const busy = now.byStatus.Pending + now.byStatus.Queued + now.byStatus.Syncing;
      const before = window.start.getTime() - 30 * 60_000;
      if (!jumped && busy === 0 && clock.now().getTime() < before) {
        prestagedAt = clock.now().getTime();
        const next = { realAnchor: Date.now() + 100, virtualAnchor: before };
        clock.reanchor(next);
        exchange.reanchor(next);
        jumped = true;
        process.stderr.write(
          `pre-staged at ${new Date(prestagedAt).toISOString()}; jumping to ${new Date(before).toISOString()}\n`,
        );
      }
      const line = Object.entries(now.byStatus)
        .filter(([, n]) => n > 0)
        .map(([status, n]) => `${status} ${n}`)
        .join(", ");
      process.stderr.write(`${clock.now().toISOString()} ${line}\n`);
    },
  });
  const wallSeconds = (Date.now() - realStart) / 1000;
  requests.stop();
  const tableRequests = requests.countFor(stack.azurite.tableEndpoint);
  // Hours the watcher watched: the whole simulated span, less the jump over idle time.
  const simulatedHours =
    (clock.now().getTime() -
      MONDAY -
      (prestagedAt === undefined ? 0 : window.start.getTime() - 30 * 60_000 - prestagedAt)) /
    HOUR;
  const calls = await exchange.counters();
  const usage = await exchange.usage();
  const slot = usage.slots.find((entry) => entry.endpoint === "onprem");
  const evening = window;
  const inEvening = usage.completions.filter(
    (at) => at >= evening.start.getTime() && at < evening.end.getTime(),
  ).length;
  const watching = [
    "Get-MoveRequest",
    "Get-MoveRequestStatistics",
    "Set-MigrationUser",
    "Remove-MigrationUser",
  ];
  const watcherCalls = watching.reduce((sum, name) => sum + (calls.byCmdlet[name] ?? 0), 0);
  const azurite = cpuSecondsOf(stack.azurite.pid);
  printFigures("hybrid", {
    accounts,
    clockFactor: factor,
    maxConcurrentMigrations: maxConcurrent,
    importSeconds: Number(importSeconds.toFixed(1)),
    completed: counts.byStatus.Completed + counts.byStatus.CompletedWithWarnings,
    failed: counts.byStatus.Failed,
    restCalls: calls.requests,
    restCallsPerAccount: Number((calls.requests / accounts).toFixed(3)),
    watcherCallsPerAccount: Number((watcherCalls / accounts).toFixed(3)),
    watcherCallsPerAccountHour: Number((watcherCalls / accounts / simulatedHours).toFixed(5)),
    watchedHours: Number(simulatedHours.toFixed(1)),
    prestagedBy: prestagedAt === undefined ? "n/a" : new Date(prestagedAt).toISOString(),
    prestagingSlotsFull: Number(((slot?.meanRunning ?? 0) / maxConcurrent).toFixed(3)),
    prestagingHours: Number((((slot?.to ?? 0) - (slot?.from ?? 0)) / HOUR).toFixed(1)),
    eveningCapacity: Math.min(WEEKEND.capacity, accounts),
    eveningCompletions: inEvening,
    completionsOutsideWindow: usage.completions.length - inEvening,
    eveningMetCapacity: inEvening === Math.min(WEEKEND.capacity, accounts) ? "yes" : "no",
    controlPlaneWallSeconds: Number(wallSeconds.toFixed(1)),
    watcherRuns: watcherRuns.length,
    watcherRunMeanMs: Math.round(
      watcherRuns.reduce((sum, ms) => sum + ms, 0) / Math.max(1, watcherRuns.length),
    ),
    watcherRunMaxMs: Math.max(0, ...watcherRuns),
    concurrencyRefused: calls.concurrencyRefused,
    azuriteCpuSeconds:
      azurite === undefined || azuriteBefore === undefined
        ? "n/a"
        : Number((azurite - azuriteBefore).toFixed(1)),
    tableRequestsPerAccount: Number((tableRequests / accounts).toFixed(1)),
    azuriteCpuMsPerTableRequest:
      azurite === undefined || azuriteBefore === undefined
        ? "n/a"
        : Number((((azurite - azuriteBefore) * 1000) / Math.max(1, tableRequests)).toFixed(2)),
    controlPlaneCpuSeconds: Number((ownCpuSeconds() - ownBefore).toFixed(1)),
    ...Object.fromEntries(Object.entries(calls.byCmdlet).map(([name, n]) => [`calls ${name}`, n])),
  });
} finally {
  await stack.close();
  await exchange.close();
}
