/**
 * The main job: a whole migration of a simulated tenant on the embedded stack, from inventory to
 * verified target mailboxes, with live progress, a summary and a CSV report.
 */
import { summarise } from "../../shared/activity/port.js";
import { services } from "../../functions/services.js";
import { createLogger, type Logger } from "../../shared/telemetry/logger.js";
import { REALISTIC } from "@mailferry/azure-local/graph";
import { startStack, type EmbeddedStack } from "../stack.js";
import { WaveProgress } from "./progress.js";
import { formatTable, writeReport } from "./report.js";
import { verifyMigration, type Verification } from "./verify.js";
import { createOpenWave, inventoryCsv, waitForWave } from "./wave.js";
import { importInventory } from "../../shared/inventory/index.js";
import { watchAlerts, DEMO_ALERT_SETTINGS } from "../webhook/index.js";
import { Readable } from "node:stream";
import { dashboardUrl } from "../../shared/dashboard/index.js";
import { encodePrincipal, ROLES } from "../../shared/admin/principal.js";
import { attention, printAttention } from "./attention.js";

export interface DemoOptions {
  readonly mailboxes: number;
  readonly itemsPerMailbox: number;
  readonly seed: number;
  /** Share of Graph requests that fail (500/503/504/reset), 0..0.5. */
  readonly faultRate: number;
  /** Graph throttle window scale: 1 is Microsoft's published minutes, 0.01 makes them seconds. */
  readonly throttle: number;
  /** Timer clock speed-up (1: real time). */
  readonly clockFactor: number;
  /**
   * Turn on every realism switch of the Graph simulator: ids that change on move, expiring delta
   * tokens, a full target mailbox, one outside the app's scope, a German target tenant,
   * auto-expanding archives, search folders and slow mailbox provisioning.
   */
  readonly realistic?: boolean;
  readonly reportPath: string;
  readonly timeoutSeconds: number;
  /** The terminal to draw live progress on; without one, progress is plain lines. */
  readonly terminal?: NodeJS.WriteStream;
  readonly write: (line: string) => void;
  readonly logger?: Logger;
}

export interface DemoResult {
  readonly verification: Verification;
  readonly seconds: number;
}

function faultsFor(rate: number): Record<string, number> {
  return {
    status500Rate: rate * 0.4,
    status503Rate: rate * 0.3,
    status504Rate: rate * 0.2,
    resetRate: rate * 0.1,
  };
}

/** Runs the demo end to end; resolves with the verification (the caller sets the exit code). */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const logger = options.logger ?? createLogger({ level: "error" });
  options.write("starting the embedded stack: Azurite, Service Bus emulator, Graph simulator,");
  options.write("Functions host…");
  const stack: EmbeddedStack = await startStack({
    logger,
    ...(options.clockFactor === 1 ? {} : { clock: { factor: options.clockFactor } }),
    // The local front end signs every browser request in as a demo operator, as App Service
    // authentication would sign in a real one.
    authentication: { devPrincipal: encodePrincipal("demo-operator", [ROLES.operator]) },
    graph: {
      mailboxes: options.mailboxes,
      itemsPerMailbox: options.itemsPerMailbox,
      seed: options.seed,
      scaleWindows: options.throttle,
      faults: faultsFor(options.faultRate),
      ...(options.realistic ? { realism: REALISTIC, archiveAllTargets: true } : {}),
    },
    settings: {
      ...DEMO_ALERT_SETTINGS,
      MAILFERRY_SCHEDULER_SCHEDULE: "*/2 * * * * *",
      MAILFERRY_SWEEPER_SCHEDULE: "*/15 * * * * *",
      MAILFERRY_SLICE_SECONDS: "5",
      MAILFERRY_LEASE_SECONDS: "30",
      MAILFERRY_REQUEUE_AFTER_SECONDS: "45",
      MAILFERRY_RELEASE_MIN: "20",
      MAILFERRY_RELEASE_MAX: "400",
      MAILFERRY_RELEASE_STEP: "40",
      MAILFERRY_GRAPH_WINDOW_SCALE: String(options.throttle),
      MAILFERRY_LOG_LEVEL: "error",
      MAILFERRY_MAILBOX_RECHECK_SECONDS: "5",
      MAILFERRY_MAILBOX_WAIT_SECONDS: "300",
    },
  });
  const cleanup: (() => void)[] = [];
  try {
    const graph = stack.graph;
    if (!graph) throw new Error("the demo needs the Graph simulator");
    const { store, activity } = await services();
    const inventory = graph.inventory();
    const started = Date.now();
    await createOpenWave(store, { waveId: "demo", capacity: inventory.length, inFlightCap: 200 }, new Date());
    // Through the same importer as `mailferry import inventory.csv --wave demo`.
    const imported = await importInventory(Readable.from([inventoryCsv(inventory)]), {
      store,
      waveId: "demo",
    });
    if (imported.rejected > 0) throw new Error(`${imported.rejected} inventory rows were rejected`);
    options.write(`imported ${imported.accepted} accounts into wave "demo", its window open now;`);
    options.write("the scheduler releases them every 2 s");
    const api = stack.host.apiBaseUrl;
    if (api) {
      options.write("dashboard, signed in as a demo user with the Operator role:");
      options.write(`  ${dashboardUrl(api, stack.host.functionKey)}`);
    }
    const stopWatching = watchAlerts(stack.webhook, (alert) => options.write(`ALERT ${alert.line}`));
    cleanup.push(stopWatching);
    const progress = new WaveProgress(inventory.length, options.write, options.terminal);
    try {
      await waitForWave(store, "demo", inventory.length, {
        timeoutMs: options.timeoutSeconds * 1000,
        pollMs: 1000,
        onTick: async (counts) => {
          const recent = summarise(await activity.between(Date.now() - 60_000, Date.now() + 1, "demo"));
          progress.update({
            counts,
            throttledShare: recent.requests > 0 ? recent.throttled / recent.requests : 0,
          });
        },
      });
    } finally {
      progress.stop();
    }
    const seconds = (Date.now() - started) / 1000;
    options.write("verifying every mailbox against its source…");
    const verification = await verifyMigration(store, graph, inventory);
    writeReport(options.reportPath, verification);
    printSummary(options.write, verification, seconds);
    printAttention(options.write, await attention(store, verification), options.reportPath);
    options.write(`report: ${options.reportPath}`);
    return { verification, seconds };
  } finally {
    for (const stop of cleanup) stop();
    await stack.close();
  }
}

function printSummary(write: (line: string) => void, verification: Verification, seconds: number): void {
  const byStatus = new Map<string, { accounts: number; items: number; bytes: number; verified: number }>();
  for (const verdict of verification.verdicts) {
    const row = byStatus.get(verdict.status) ?? { accounts: 0, items: 0, bytes: 0, verified: 0 };
    row.accounts += 1;
    row.items += verdict.items;
    row.bytes += verdict.bytes;
    if (verdict.passed) row.verified += 1;
    byStatus.set(verdict.status, row);
  }
  const items = verification.verdicts.reduce((sum, verdict) => sum + verdict.items, 0);
  const bytes = verification.verdicts.reduce((sum, verdict) => sum + verdict.bytes, 0);
  write("");
  write(
    formatTable(
      ["status", "accounts", "items", "MB", "as expected"],
      [...byStatus.entries()].map(([status, row]) => [
        status,
        row.accounts,
        row.items,
        (row.bytes / 1_048_576).toFixed(1),
        `${row.verified}/${row.accounts}`,
      ]),
    ),
  );
  write("");
  write(
    `${verification.verdicts.length} accounts in ${seconds.toFixed(1)} s: ${(items / seconds).toFixed(0)} items/s, ${(bytes / 1_048_576 / seconds).toFixed(2)} MB/s`,
  );
  const failed = verification.verdicts.filter((verdict) => !verdict.passed);
  for (const verdict of failed.slice(0, 20)) {
    write(`NOT VERIFIED ${verdict.sourceUpn}:`);
    write(`  ${verdict.problem ?? "?"}`);
  }
  if (verification.passed) {
    write("verification passed: every copied mailbox matches its source (no item missing");
    write("or duplicated), and every planted failure failed as expected");
  } else {
    write(`verification FAILED for ${failed.length} accounts`);
  }
}
