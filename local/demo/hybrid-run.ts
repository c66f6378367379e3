/**
 * The hybrid half of the main job: a simulated hybrid organisation moved into Exchange Online by
 * Exchange's own moves, wave by wave, on the embedded stack with an accelerated clock. The endpoint
 * is created with the on-premises credential (once, straight to Exchange), the inventory exported
 * from on premises is imported, the wave pre-stages in the morning and completes in its evening;
 * planted GUID problems fail with their classes, are fixed and retried; skipped items an operator
 * must approve are approved. Then every account is inspected in the simulated organisation.
 */
import { Readable } from "node:stream";
import { createEndpoint } from "../../shared/admin/hybrid.js";
import { approveWave } from "../../shared/admin/hybrid.js";
import { retryFailed } from "../../shared/admin/retry.js";
import type { AdminPorts } from "../../shared/admin/ports.js";
import type { AccountStatus, WaveCounts } from "../../shared/domain/index.js";
import { importInventory } from "../../shared/inventory/index.js";
import { services } from "../../functions/services.js";
import { createLogger, type Logger } from "../../shared/telemetry/logger.js";
import type { ExchangeSimulator } from "@mailferry/azure-local/exchange";
import { startStack } from "../stack.js";
import { createHybridWave, dailyWindow, hybridInventoryCsv } from "./hybrid.js";
import { formatTable } from "./report.js";
import { settledCount } from "./wave.js";

export interface HybridDemoOptions {
  readonly mailboxes: number;
  readonly seed: number;
  /** Simulated seconds per real second. */
  readonly clockFactor: number;
  readonly timeoutSeconds: number;
  readonly write: (line: string) => void;
  readonly logger?: Logger;
}

export interface HybridDemoResult {
  readonly passed: boolean;
  readonly problems: readonly string[];
  readonly seconds: number;
}

const WAVE = "hybrid";
const ENDPOINT = "OnPremEndpoint";
const EVENING = { start: "19:00", end: "23:00" } as const;

/** Today at 08:00 UTC: the wave pre-stages in the morning and completes in the evening. */
function morning(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 8, 0));
}

function statusLine(counts: WaveCounts): string {
  const order: AccountStatus[] = [
    "Pending",
    "Queued",
    "Syncing",
    "Synced",
    "Completing",
    "Completed",
    "CompletedWithWarnings",
    "Failed",
  ];
  return order
    .filter((status) => counts.byStatus[status] > 0)
    .map((status) => `${status} ${counts.byStatus[status]}`)
    .join(", ");
}

async function waitUntil(
  condition: () => Promise<boolean>,
  timeoutMs: number,
  what: string,
  onTick?: () => Promise<void>,
): Promise<void> {
  const started = Date.now();
  for (;;) {
    if (await condition()) return;
    await onTick?.();
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Runs the hybrid demo end to end; resolves with whether everything checked out. */
export async function runHybridDemo(options: HybridDemoOptions): Promise<HybridDemoResult> {
  const logger = options.logger ?? createLogger({ level: "error" });
  const start = morning();
  options.write(
    `starting the embedded stack with the Exchange Online simulator (${options.mailboxes} on-premises mailboxes, clock ${options.clockFactor}x from ${start.toISOString()})…`,
  );
  const stack = await startStack({
    logger,
    clock: { factor: options.clockFactor, start },
    graph: { mailboxes: 1, itemsPerMailbox: 1, plantTrouble: false },
    exchange: {
      organisation: {
        seed: options.seed,
        mailboxes: options.mailboxes,
        meanMailboxBytes: 300 * 1024 * 1024,
        archiveRate: 0.25,
        guidMismatchRate: 0.04,
        missingMailUserRate: 0.02,
        archiveGuidMissingRate: 0.1,
      },
      mrs: { copyBytesPerSecond: 4 * 1024 * 1024 },
    },
    settings: {
      MAILFERRY_SCHEDULER_SCHEDULE: "0 * * * * *",
      MAILFERRY_WATCH_SCHEDULE: "30 */2 * * * *",
      MAILFERRY_SWEEPER_SCHEDULE: "45 */10 * * * *",
      MAILFERRY_ALERTS_SCHEDULE: "0 */10 * * * *",
      MAILFERRY_LEASE_SECONDS: "3600",
      MAILFERRY_REQUEUE_AFTER_SECONDS: "3600",
      MAILFERRY_RELEASE_MIN: "50",
      MAILFERRY_RELEASE_MAX: "400",
      MAILFERRY_LOG_LEVEL: "error",
    },
  });
  const started = Date.now();
  try {
    const exchange = stack.exchange;
    if (exchange === undefined) throw new Error("the stack has no Exchange simulator");
    const ports: AdminPorts = await services();
    const operator = { actor: "demo-operator", via: "cli" as const };
    const created = await createEndpoint(
      ports,
      {
        name: ENDPOINT,
        remoteServer: exchange.administrator.remoteServer,
        userName: exchange.administrator.userName,
        password: exchange.administrator.password,
      },
      operator,
    );
    options.write(
      `created migration endpoint ${created.endpoint.identity} (MaxConcurrentMigrations ${created.endpoint.maxConcurrentMigrations}); the credential went to Exchange only`,
    );
    const accounts = exchange.inventory();
    await createHybridWave(
      ports.store,
      {
        waveId: WAVE,
        hybrid: {
          endpoint: ENDPOINT,
          targetDeliveryDomain: exchange.targetDeliveryDomain,
          archiveDomain: exchange.targetDeliveryDomain,
          autoApprove: "Investigate",
          maxConcurrentMigrations: created.endpoint.maxConcurrentMigrations,
        },
        windows: [dailyWindow(EVENING.start, EVENING.end, accounts.length)],
        settings: { finalize: { announce: true } },
      },
      stack.clock.now(),
    );
    const imported = await importInventory(Readable.from([hybridInventoryCsv(accounts)]), {
      store: ports.store,
      waveId: WAVE,
    });
    if (imported.rejected > 0) throw new Error(`${imported.rejected} inventory rows were rejected`);
    options.write(
      `imported ${imported.accepted} accounts (with their on-premises ExchangeGuid and ArchiveGuid) into hybrid wave "${WAVE}", evening ${EVENING.start}-${EVENING.end} UTC`,
    );
    const counts = (): Promise<WaveCounts> => ports.store.counters.waveCounts(WAVE);
    let lastLine = "";
    const tick = async (): Promise<void> => {
      const line = `${stack.clock.now().toISOString().slice(11, 16)} ${statusLine(await counts())}`;
      if (line.slice(6) !== lastLine.slice(6)) options.write(line);
      lastLine = line;
    };
    const timeout = options.timeoutSeconds * 1000;
    const planted = accounts.filter((account) => account.planted !== undefined);
    // Pre-flight finds the planted problems before anything moves.
    await waitUntil(
      async () =>
        (await counts()).byStatus.Failed >= planted.length && (await counts()).byStatus.Pending === 0,
      timeout,
      "pre-flight has failed the planted accounts",
      tick,
    );
    const failures = new Map<string, number>();
    for (const account of (await ports.store.accounts.listByStatus(WAVE, "Failed", { limit: 1000 })).items) {
      const failureClass = account.lastError?.class ?? "?";
      failures.set(failureClass, (failures.get(failureClass) ?? 0) + 1);
    }
    options.write(
      `pre-flight failed ${planted.length} planted accounts: ${[...failures].map(([name, count]) => `${name} ${count}`).join(", ")}`,
    );
    // What an administrator does: fix the on-premises attributes, let Entra Connect synchronise, retry.
    for (const account of planted) exchange.fixRecipient(account.upn);
    for (const failureClass of failures.keys()) {
      const retried = await retryFailed(ports, { waveId: WAVE, failureClass }, operator);
      options.write(`fixed and retried ${retried.retried.length} ${failureClass} accounts`);
    }
    await waitUntil(
      async () => {
        const now = await counts();
        return now.byStatus.Pending + now.byStatus.Queued + now.byStatus.Syncing === 0;
      },
      timeout,
      "every account is pre-staged",
      tick,
    );
    const poor = await approveWave(
      ports,
      WAVE,
      { score: "Poor", reason: "reviewed the skipped items" },
      operator,
    );
    options.write(`an operator approved the skipped items of ${poor.approved} accounts scored Poor`);
    await waitUntil(
      async () => settledCount(await counts()) >= accounts.length,
      timeout,
      "every account settled",
      tick,
    );
    return report(options, exchange, await counts(), start, started);
  } finally {
    await stack.close();
  }
}

function report(
  options: HybridDemoOptions,
  exchange: ExchangeSimulator,
  counts: WaveCounts,
  start: Date,
  started: number,
): HybridDemoResult {
  const problems: string[] = [];
  for (const account of exchange.inventory()) {
    const inspection = exchange.inspect(account.upn, "PrimaryAndArchive");
    for (const problem of inspection.problems) problems.push(`${account.upn}: ${problem}`);
  }
  const evening = {
    from: Date.parse(`${start.toISOString().slice(0, 10)}T${EVENING.start}:00Z`),
    to: Date.parse(`${start.toISOString().slice(0, 10)}T${EVENING.end}:00Z`),
  };
  const completions = exchange.usage().completions;
  const outside = completions.filter((at) => at < evening.from || at >= evening.to).length;
  if (outside > 0) problems.push(`${outside} moves completed outside the evening window`);
  if (counts.byStatus.Failed > 0) problems.push(`${counts.byStatus.Failed} accounts failed`);
  const calls = exchange.counters();
  const seconds = (Date.now() - started) / 1000;
  options.write("");
  options.write(
    formatTable(
      ["status", "accounts"],
      Object.entries(counts.byStatus)
        .filter(([, count]) => count > 0)
        .map(([status, count]) => [status, count]),
    ),
  );
  options.write("");
  options.write(
    `${counts.accounts} accounts in ${seconds.toFixed(1)} s; ${completions.length} moves completed, all between ${EVENING.start} and ${EVENING.end} UTC: ${outside === 0 ? "yes" : "no"}; ${calls.requests} REST calls (${(calls.requests / Math.max(1, counts.accounts)).toFixed(1)} per account)`,
  );
  for (const problem of problems.slice(0, 20)) options.write(`NOT VERIFIED ${problem}`);
  options.write(
    problems.length === 0
      ? "verification passed: every mailbox is in Exchange Online with its ExchangeGuid and archive kept, and only remote mailboxes are left on premises"
      : `verification FAILED: ${problems.length} problems`,
  );
  return { passed: problems.length === 0, problems, seconds };
}
