/**
 * Transfer benchmark: copies 1, 4 and 16 mailboxes in parallel for a fixed time under scaled
 * Graph limits, once with mailferry's engine (governed, 4 in flight, paced) and once with a naive
 * copier (one request at a time, no pacing, waiting out each 429), and compares both with the
 * simulator's theoretical ceiling. Rates count each mailbox's time until it was copied in full or
 * the run ended. Slices last as long as the pipeline's default slice unless `--slice-seconds` says
 * otherwise. Run: `npx tsx bench/transfer.ts [--seconds 30] [--slice-seconds 5]`.
 */
import { parseArgs } from "node:util";
import type { SimulatedAccount } from "@mailferry/azure-local/graph";
import { readGraphSettings } from "../shared/config/graph.js";
import { readPipelineSettings } from "../shared/config/pipeline.js";
import { closeGraphTransports } from "../shared/graph/client.js";
import { createMailboxApi } from "../shared/runtime/create.js";
import { MailboxGovernor, type GovernorLimits, type GovernorStats } from "../shared/graph/governor.js";
import { silentLogger } from "../shared/telemetry/logger.js";
import { runTransferSlice } from "../shared/transfer/engine.js";
import { ThrottledError, TransientTransferError } from "../shared/graph/errors.js";
import type { MailboxApi } from "../shared/graph/mailbox-api.js";
import { InMemoryTransferState } from "../shared/transfer/state/memory.js";
import { startRemoteGraph } from "./lib/remote-graph.js";
import { printFigures } from "./lib/report.js";

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    "slice-seconds": { type: "string" },
    mailboxes: { type: "string", default: "1,4,16" },
  },
});
/** A number > 0 from an option, or an error naming the option and what it was given. */
function positive(option: string, text: string, whole = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (whole && !Number.isInteger(value)))
    throw new Error(
      `--${option} takes ${whole ? "whole numbers" : "a number"} > 0, not ${JSON.stringify(text)}`,
    );
  return value;
}
const seconds = positive("seconds", values.seconds);
// The mover's slice in production; a shorter one shows what each slice's start and end cost.
const sliceMs =
  values["slice-seconds"] === undefined
    ? readPipelineSettings({}).sliceMs
    : positive("slice-seconds", values["slice-seconds"]) * 1000;
const mailboxCounts = values.mailboxes.split(",").map((count) => positive("mailboxes", count, true));

// Budgets scaled down so the limits, not this machine's two cores, bind: 200 requests per 10 s
// and 15 MB per 5 s per mailbox, 4 in flight.
const SCALE = 1 / 60;
const SIM_LIMITS = { requestsPerWindow: 200, uploadBytesPerWindow: 15 * 1024 * 1024, concurrentRequests: 4 };
const GOVERNOR: GovernorLimits = {
  maxConcurrent: 4,
  requestsPerWindow: 200,
  requestWindowMs: 600_000 * SCALE,
  uploadBytesPerWindow: 15 * 1024 * 1024,
  uploadWindowMs: 300_000 * SCALE,
  headroom: 0.97,
};
const UNLIMITED: GovernorLimits = {
  ...GOVERNOR,
  maxConcurrent: 1,
  requestsPerWindow: 1e12,
  uploadBytesPerWindow: 1e15,
};

const api = createMailboxApi;

interface Pair {
  sourceMailboxId: string;
  targetMailboxId: string;
}

async function pairsFor(
  inventory: readonly SimulatedAccount[],
  source: MailboxApi,
  target: MailboxApi,
  count: number,
): Promise<Pair[]> {
  const largest = [...inventory]
    .filter((entry) => entry.expectation === "ok")
    .sort((a, b) => b.itemCount - a.itemCount)
    .slice(0, count);
  return Promise.all(
    largest.map(async (entry) => {
      const su = await source.findUser(entry.sourceUpn);
      const tu = await target.findUser(entry.targetUpn);
      const sm = su && (await source.mailboxIds(su.id, false));
      const tm = tu && (await target.mailboxIds(tu.id, false));
      if (!sm || !tm) throw new Error(`no mailbox for ${entry.sourceUpn}`);
      return { sourceMailboxId: sm.primaryMailboxId, targetMailboxId: tm.primaryMailboxId };
    }),
  );
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** What one mailbox's copy achieved; the engine also tells how its target requests went. */
interface Copied {
  readonly items: number;
  readonly bytes: number;
  readonly target?: GovernorStats;
}

/** mailferry's engine: slices until the time is up, waiting out Retry-After between slices. */
async function engineCopy(
  pair: Pair,
  source: MailboxApi,
  target: MailboxApi,
  until: number,
): Promise<Copied> {
  const state = new InMemoryTransferState();
  const sourceGovernor = new MailboxGovernor(GOVERNOR);
  const targetGovernor = new MailboxGovernor(GOVERNOR);
  let items = 0;
  let bytes = 0;
  while (Date.now() < until) {
    const outcome = await runTransferSlice({
      source: { api: source, mailboxId: pair.sourceMailboxId, governor: sourceGovernor },
      target: { api: target, mailboxId: pair.targetMailboxId, governor: targetGovernor },
      key: pair.sourceMailboxId,
      state,
      deadline: Math.min(until, Date.now() + sliceMs),
      now: () => new Date(),
      round: 0,
      largeItemBytes: 150 * 1024 * 1024,
      pageSize: 100,
      logger: silentLogger,
    });
    items += outcome.progress.items;
    bytes += outcome.progress.bytes;
    if (outcome.kind === "done") break;
    if (outcome.kind === "throttled")
      await sleep(Math.max(0, Math.min(outcome.retryAt.getTime(), until) - Date.now()));
  }
  return { items, bytes, target: targetGovernor.snapshot() };
}

/**
 * A naive copier: one item at a time, one request at a time, sleeping through every 429 and
 * trying again a second after any other transient failure.
 */
async function naiveCopy(pair: Pair, source: MailboxApi, target: MailboxApi, until: number): Promise<Copied> {
  const governor = new MailboxGovernor(UNLIMITED);
  const retrying = async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    while (Date.now() < until) {
      try {
        return await call();
      } catch (error) {
        if (error instanceof ThrottledError)
          await sleep(Math.max(0, Math.min(error.retryAt.getTime(), until) - Date.now()));
        else if (error instanceof TransientTransferError) await sleep(1_000);
        else throw error;
      }
    }
    return undefined;
  };
  let items = 0;
  let bytes = 0;
  const session = await retrying(() => target.createImportSession(pair.targetMailboxId, governor));
  const folders = (await retrying(() => source.listFolders(pair.sourceMailboxId, governor))) ?? [];
  const targetFolders = (await retrying(() => target.listFolders(pair.targetMailboxId, governor))) ?? [];
  const inbox = targetFolders[0];
  if (!session || !inbox) return { items, bytes };
  for (const folder of folders) {
    let cursor: string | undefined;
    do {
      const page = await retrying(() =>
        source.itemDelta(pair.sourceMailboxId, folder.id, cursor, 100, governor),
      );
      if (!page) return { items, bytes };
      for (const item of page.items) {
        const [exported] =
          (await retrying(() => source.exportItems(pair.sourceMailboxId, [item.id], governor))) ?? [];
        if (!exported?.data) continue;
        const data = exported.data;
        const done = await retrying(() => target.importItem(session, { folderId: inbox.id, data }, governor));
        if (!done) return { items, bytes };
        items += 1;
        bytes += item.size ?? 0;
      }
      cursor = page.nextLink;
    } while (cursor && Date.now() < until);
  }
  return { items, bytes };
}

async function run(mailboxes: number, copier: "engine" | "naive"): Promise<Record<string, number>> {
  // In its own process, as Graph is remote: sharing this process's event loop, the simulator's work
  // would delay every answer the engine waits for.
  const graph = await startRemoteGraph({
    mailboxes: mailboxes * 3,
    itemsPerMailbox: 1_500,
    seed: 42,
    plantTrouble: false,
    scaleWindows: SCALE,
    limits: SIM_LIMITS,
    // Round trips of a quarter second, typical of Graph import calls.
    latency: { perRequestMs: 250 },
  });
  try {
    const settings = readGraphSettings(graph.settings);
    const source = api(settings.source);
    const target = api(settings.target);
    const pairs = await pairsFor(graph.inventory, source, target, mailboxes);
    await graph.resetCounters();
    const started = Date.now();
    const until = started + seconds * 1000;
    const copy = copier === "engine" ? engineCopy : naiveCopy;
    const results = await Promise.all(
      pairs.map(async (pair) => {
        const copied = await copy(pair, source, target, until);
        return { ...copied, seconds: (Date.now() - started) / 1000 };
      }),
    );
    const counters = await graph.counters();
    const items = results.reduce((sum, result) => sum + result.items, 0);
    const bytes = results.reduce((sum, result) => sum + result.bytes, 0);
    // Rates are per mailbox while it had something to copy: one copied in full stops counting.
    const mailboxSeconds = results.reduce((sum, result) => sum + result.seconds, 0);
    // How full the engine kept its concurrency, and how long a target request took end to end.
    const targets = results.flatMap((result) => (result.target ? [result.target] : []));
    const inFlightMs = targets.reduce((sum, stats) => sum + stats.inFlightMs, 0);
    const targetRequests = targets.reduce((sum, stats) => sum + stats.requests, 0);
    return {
      ...(targets.length > 0
        ? {
            targetInFlight: inFlightMs / (mailboxSeconds * 1000),
            targetRequestMs: inFlightMs / Math.max(1, targetRequests),
          }
        : {}),
      itemsPerSecondPerMailbox: items / mailboxSeconds,
      megabytesPerSecondPerMailbox: bytes / mailboxSeconds / 1_048_576,
      ceilingItemsPerSecond: counters.ceiling.itemsPerSecond,
      ceilingMegabytesPerSecond: counters.ceiling.megabytesPerSecond,
      ratio: items / mailboxSeconds / counters.ceiling.itemsPerSecond,
      throttledShare: counters.totals.requests > 0 ? counters.totals.throttled / counters.totals.requests : 0,
    };
  } finally {
    await graph.close();
    await closeGraphTransports();
  }
}

const figures: Record<string, number | string> = { secondsPerRun: seconds, sliceSeconds: sliceMs / 1000 };
for (const mailboxes of mailboxCounts) {
  const engine = await run(mailboxes, "engine");
  const naive = await run(mailboxes, "naive");
  const p = `m${mailboxes}`;
  figures[`${p}.engine.itemsPerSecPerMailbox`] = Number(engine.itemsPerSecondPerMailbox?.toFixed(2));
  figures[`${p}.engine.MBPerSecPerMailbox`] = Number(engine.megabytesPerSecondPerMailbox?.toFixed(3));
  figures[`${p}.ceiling.itemsPerSec`] = Number(engine.ceilingItemsPerSecond?.toFixed(2));
  figures[`${p}.ceiling.MBPerSec`] = Number(engine.ceilingMegabytesPerSecond?.toFixed(3));
  figures[`${p}.engine.ratioToCeiling`] = Number(engine.ratio?.toFixed(3));
  figures[`${p}.engine.throttledShare`] = Number(engine.throttledShare?.toFixed(4));
  figures[`${p}.engine.targetInFlight`] = Number(engine.targetInFlight?.toFixed(2));
  figures[`${p}.engine.targetRequestMs`] = Number(engine.targetRequestMs?.toFixed(1));
  figures[`${p}.naive.itemsPerSecPerMailbox`] = Number(naive.itemsPerSecondPerMailbox?.toFixed(2));
  figures[`${p}.naive.throttledShare`] = Number(naive.throttledShare?.toFixed(4));
  figures[`${p}.engineOverNaive`] = Number(
    ((engine.itemsPerSecondPerMailbox ?? 0) / Math.max(1e-9, naive.itemsPerSecondPerMailbox ?? 0)).toFixed(2),
  );
}
printFigures("transfer", figures);
