/**
 * How fast `mailferry emulate host` refuses a bad setting and stops on SIGTERM, from outside, as an
 * operator (or a supervisor restarting it) sees it:
 * - `cliHelpMs`: `mailferry emulate host --help`, the cost of starting the CLI at all;
 * - `refuseBadSettingMs`: the whole process with `MAILFERRY_SLICE_SECONDS=-5`, until it exits 2;
 * - `stopIdleMs` / `stopBusyMs`: SIGTERM to exit of a host with nothing to do, and of one whose
 *   queue handler would work for minutes (the busy fixture app; its message is abandoned).
 * Each figure is the median of `--runs` runs. Run: `npx tsx bench/host-lifecycle.ts [--runs 3]`.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ServiceBusClient } from "@azure/service-bus";
import { startServiceBusEmulator } from "@mailferry/azure-local/servicebus";
import { CUTOVERS_QUEUE, QUEUES } from "../shared/bus/topology.js";
import { printFigures } from "./lib/report.js";

const { values } = parseArgs({ options: { runs: { type: "string", default: "3" } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1)
  throw new Error(`--runs takes a whole number > 0, not ${values.runs}`);

const cli = fileURLToPath(new URL("../cli/main.ts", import.meta.url));
const busyApp = fileURLToPath(new URL("../test/fixtures/apps/busy/", import.meta.url));
/** A host that has not exited this long after SIGTERM counts as not stopping. */
const GIVE_UP_MS = 120_000;

const LOADABLE: Readonly<Record<string, string>> = {
  MailferryTables: "UseDevelopmentStorage=true",
  GRAPH_SOURCE_TENANT_ID: "source.example",
  GRAPH_SOURCE_CLIENT_ID: "00000000-0000-4000-8000-000000000001",
  GRAPH_SOURCE_CLIENT_SECRET: "source secret",
  GRAPH_TARGET_TENANT_ID: "target.example",
  GRAPH_TARGET_CLIENT_ID: "00000000-0000-4000-8000-000000000002",
  GRAPH_TARGET_CLIENT_SECRET: "target secret",
  MAILFERRY_SCHEDULER_SCHEDULE: "0 * * * * *",
  MAILFERRY_SWEEPER_SCHEDULE: "30 */5 * * * *",
  MAILFERRY_ALERTS_SCHEDULE: "0 */5 * * * *",
};

function run(args: readonly string[], settings: Record<string, string>): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ["--import", "tsx", cli, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      MAILFERRY_LOG_LEVEL: "info",
      ...settings,
    },
  });
}

/** Milliseconds from spawning to exit. */
async function untilExit(args: readonly string[], settings: Record<string, string>): Promise<number> {
  const started = performance.now();
  const child = run(args, settings);
  child.stdout.resume();
  child.stderr.resume();
  await once(child, "exit");
  return performance.now() - started;
}

/** Milliseconds from SIGTERM to exit, once the host is ready (and `busy` has a message in hand). */
async function stopTime(connectionString: string, busy: boolean): Promise<number> {
  const child = run(["emulate", "host", "--app", busyApp], {
    ServiceBusConnection: connectionString,
    BUSY_QUEUE: CUTOVERS_QUEUE.name,
  });
  const exited = once(child, "exit");
  const giveUp = setTimeout(() => child.kill("SIGKILL"), GIVE_UP_MS);
  const working = new Promise<void>((resolve) => {
    createInterface({ input: child.stderr }).on("line", (line) => {
      if (line.includes("busy: working on a message")) resolve();
    });
  });
  await once(createInterface({ input: child.stdout }), "line");
  const client = new ServiceBusClient(connectionString);
  try {
    if (busy) {
      await client.createSender(CUTOVERS_QUEUE.name).sendMessages({ body: "long work" });
      await working;
    }
    const signalled = performance.now();
    child.kill("SIGTERM");
    await exited;
    clearTimeout(giveUp);
    const elapsed = performance.now() - signalled;
    // Take back what the host gave back, so the next run starts from an empty queue.
    const receiver = client.createReceiver(CUTOVERS_QUEUE.name, { receiveMode: "receiveAndDelete" });
    await receiver.receiveMessages(10, { maxWaitTimeInMs: 1_000 });
    return elapsed;
  } finally {
    await client.close();
  }
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Math.round(sorted[Math.floor(sorted.length / 2)] ?? Number.NaN);
}

const emulator = await startServiceBusEmulator({ queues: QUEUES });
try {
  const cliHelp: number[] = [];
  const refuse: number[] = [];
  const stopIdle: number[] = [];
  const stopBusy: number[] = [];
  for (let attempt = 0; attempt < runs; attempt++) {
    cliHelp.push(await untilExit(["emulate", "host", "--help"], {}));
    refuse.push(
      await untilExit(["emulate", "host"], {
        ...LOADABLE,
        ServiceBusConnection: emulator.connectionString,
        MAILFERRY_SLICE_SECONDS: "-5",
      }),
    );
    stopIdle.push(await stopTime(emulator.connectionString, false));
    stopBusy.push(await stopTime(emulator.connectionString, true));
  }
  printFigures("host-lifecycle", {
    runs,
    cliHelpMs: median(cliHelp),
    refuseBadSettingMs: median(refuse),
    stopIdleMs: median(stopIdle),
    stopBusyMs: median(stopBusy),
  });
} finally {
  await emulator.close();
}
