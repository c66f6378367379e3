/**
 * Crash recovery with the pipeline's default lease, slice and requeue settings and the default
 * scheduler schedule (once a minute): the Functions host is killed mid-wave again and again and a
 * new one started. For each account in flight at a kill it measures how long the account sat
 * untouched. The goal: no wait longer than the moves queue's lock duration plus one scheduler run;
 * each wait also holds the new instance's start, which the goal does not allow for.
 *
 * Run: npx tsx bench/crash-recovery.ts [--kills N] [--mailboxes N] [--items N] [--in-flight N]
 */
import { parseArgs } from "node:util";
import { runCrashDrill } from "../local/drill/crash.js";
import { MOVES_QUEUE } from "../shared/bus/topology.js";
import { printFigures } from "./lib/report.js";

const { values } = parseArgs({
  options: {
    kills: { type: "string", default: "12" },
    mailboxes: { type: "string", default: "30" },
    items: { type: "string", default: "200" },
    "in-flight": { type: "string", default: "6" },
  },
});

function whole(name: string, value: string | undefined): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new Error(`--${name} must be a whole number of at least 1`);
  return parsed;
}

const SCHEDULER_PERIOD_MS = 60_000;
const result = await runCrashDrill({
  kills: whole("kills", values.kills),
  graph: {
    mailboxes: whole("mailboxes", values.mailboxes),
    itemsPerMailbox: whole("items", values.items),
    seed: 11,
    latency: { perRequestMs: 60 },
    scaleWindows: 0.01,
  },
  settings: { MAILFERRY_GRAPH_WINDOW_SCALE: "0.01" },
  inFlightCap: whole("in-flight", values["in-flight"]),
  killAfterMs: 2_000,
  timeoutMs: 30 * 60_000,
  onRecovered: (kill, waits) =>
    process.stderr.write(
      `kill ${kill}: ${waits.length} accounts in flight, longest wait ${Math.max(0, ...waits) / 1000} s\n`,
    ),
});
const waits = [...result.waitsMs].sort((a, b) => a - b);
const at = (share: number): number =>
  waits[Math.min(waits.length - 1, Math.floor(share * waits.length))] ?? 0;
const goalMs = MOVES_QUEUE.lockDurationSeconds * 1000 + SCHEDULER_PERIOD_MS;
printFigures("crash-recovery", {
  kills: result.kills,
  accounts: result.accounts,
  accountsWaitedOn: waits.length,
  waitP50Seconds: at(0.5) / 1000,
  waitP90Seconds: at(0.9) / 1000,
  waitMaxSeconds: (waits[waits.length - 1] ?? 0) / 1000,
  goalSeconds: goalMs / 1000,
  withinGoal: waits.every((wait) => wait <= goalMs) ? "yes" : "no",
  verified: result.verification.passed ? "yes" : "no",
  duplicatedItems: result.verification.verdicts.reduce((sum, verdict) => sum + verdict.duplicated, 0),
  wallSeconds: Math.round(result.wallMs / 1000),
});
