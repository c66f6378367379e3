import { startStack, type EmbeddedStack, type StackOptions } from "../../local/stack.js";
import { createOpenWave, importInventory, waitForWave } from "../../local/demo/wave.js";
import { verifyMigration, type Verification } from "../../local/demo/verify.js";
import { decorateServices, services } from "../../functions/services.js";
import type { Services } from "../../shared/runtime/services.js";
import { silentLogger } from "../../shared/telemetry/logger.js";
import type { GraphSimulatorOptions } from "@mailferry/azure-local/graph";

/** Pipeline settings that make a small wave finish in seconds. */
export const FAST_PIPELINE: Readonly<Record<string, string>> = {
  MAILFERRY_SCHEDULER_SCHEDULE: "* * * * * *",
  MAILFERRY_SWEEPER_SCHEDULE: "*/3 * * * * *",
  MAILFERRY_SLICE_SECONDS: "2",
  MAILFERRY_LEASE_SECONDS: "8",
  MAILFERRY_REQUEUE_AFTER_SECONDS: "10",
  MAILFERRY_RELEASE_MIN: "10",
  MAILFERRY_RELEASE_MAX: "200",
  MAILFERRY_PAGE_SIZE: "25",
  // The app logs as it does in Azure; a test reads its lines through a global sink when it must.
  MAILFERRY_LOG_LEVEL: "off",
  MAILFERRY_MAILBOX_RECHECK_SECONDS: "2",
  MAILFERRY_MAILBOX_WAIT_SECONDS: "120",
};

/** What a test may add to a stack: a wrapper around the services the app builds, to inject faults. */
export interface TestStackOptions extends StackOptions {
  readonly decorateServices?: (built: Services) => Services;
}

/**
 * Starts the embedded stack; a test's service wrapper applies while it runs. The app still builds
 * its services itself, from its settings, as in Azure.
 */
export async function startTestStack(options: TestStackOptions): Promise<EmbeddedStack> {
  const { decorateServices: wrap, ...stackOptions } = options;
  decorateServices(wrap);
  try {
    const stack = await startStack(stackOptions);
    return {
      ...stack,
      close: async () => {
        try {
          await stack.close();
        } finally {
          decorateServices(undefined);
        }
      },
    };
  } catch (error) {
    decorateServices(undefined);
    throw error;
  }
}

/** Stack options for a small simulated tenant and fast pipeline settings. */
export function smallStackOptions(
  graph: GraphSimulatorOptions,
  options: Omit<StackOptions, "graph"> = {},
): StackOptions {
  return {
    logger: silentLogger,
    stopGraceMs: 5_000,
    ...options,
    graph: { scaleWindows: 0.01, ...graph },
    settings: {
      ...FAST_PIPELINE,
      MAILFERRY_GRAPH_WINDOW_SCALE: String(graph.scaleWindows ?? 0.01),
      ...options.settings,
    },
  };
}

/** A stack with a small simulated tenant and fast pipeline settings. */
export function startSmallStack(
  graph: GraphSimulatorOptions,
  options: Omit<TestStackOptions, "graph"> = {},
): Promise<EmbeddedStack> {
  const { decorateServices: wrap, ...rest } = options;
  return startTestStack({ ...smallStackOptions(graph, rest), ...(wrap ? { decorateServices: wrap } : {}) });
}

/** Creates an open wave, imports the tenant, waits until every account settles, and verifies. */
export async function migrateAll(
  stack: EmbeddedStack,
  waveId = "e2e",
  timeoutMs = 120_000,
): Promise<Verification> {
  const graph = stack.graph;
  if (!graph) throw new Error("the stack has no Graph simulator");
  const { store } = await services();
  const inventory = graph.inventory();
  await createOpenWave(store, { waveId, capacity: inventory.length }, new Date());
  await importInventory(store, waveId, inventory, new Date());
  try {
    await waitForWave(store, waveId, inventory.length, { timeoutMs });
  } catch (error) {
    // Say where the stragglers stand, so a timeout explains itself.
    const stragglers: string[] = [];
    for (const status of ["Queued", "Syncing", "Synced", "Completing"] as const) {
      const page = await store.accounts.listByStatus(waveId, status, { limit: 50 });
      for (const account of page.items) {
        stragglers.push(
          `${account.id} ${account.status} attempt ${account.attempt} slice ${account.slice} lease ${account.lease?.expiresAt ?? "-"} updated ${account.updatedAt}`,
        );
      }
    }
    const queue = JSON.stringify(stack.serviceBus.queueStats("moves"));
    throw new Error(`${(error as Error).message}\nqueue ${queue}\n${stragglers.join("\n")}`, {
      cause: error,
    });
  }
  return verifyMigration(store, graph, inventory);
}

/** Describes failed verdicts for an assertion message. */
export function problems(verification: Verification): string[] {
  return verification.verdicts
    .filter((verdict) => !verdict.passed)
    .map((verdict) => `${verdict.sourceUpn} (${verdict.expectation}): ${verdict.problem ?? "?"}`);
}
