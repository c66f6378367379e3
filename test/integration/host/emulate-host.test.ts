/**
 * `mailferry emulate host` as an operator runs it: a bad setting ends the process with exit code 2
 * and one error line that names the setting, without starting anything; SIGTERM stops a busy host
 * within its grace period, giving the messages it still holds back to the queue.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { ServiceBusClient } from "@azure/service-bus";
import { describe, expect, it } from "vitest";
import { startServiceBusEmulator } from "@mailferry/azure-local/servicebus";
import { CUTOVERS_QUEUE, QUEUES } from "../../../shared/bus/topology.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";

const cli = fileURLToPath(new URL("../../../cli/main.ts", import.meta.url));
const busyApp = fileURLToPath(new URL("../../fixtures/apps/busy/", import.meta.url));

/** Settings that would load, pointing at nothing (the load fails before anything connects). */
const LOADABLE: Readonly<Record<string, string>> = {
  ServiceBusConnection:
    "Endpoint=sb://localhost:1;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=a2V5;UseDevelopmentEmulator=true;",
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

/** Far longer than a refused start takes (the figures are in bench/host-lifecycle.ts). */
const STILL_RUNNING_AFTER_MS = 30_000;

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  readonly stdout: string;
}

/** Runs `mailferry emulate host` with only these settings; the process must end by itself. */
async function emulateHost(settings: Record<string, string>): Promise<Run> {
  const child = spawn(process.execPath, ["--import", "tsx", cli, "emulate", "host"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...settings },
  });
  let stderr = "";
  let stdout = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  // A host that starts despite the setting would run until stopped: end it so no process outlives the test.
  const guard = setTimeout(() => child.kill("SIGKILL"), STILL_RUNNING_AFTER_MS);
  const [code, signal] = (await once(child, "exit")) as [number | null, NodeJS.Signals | null];
  clearTimeout(guard);
  return { code, signal, stderr, stdout };
}

describe("mailferry emulate host with a bad setting", () => {
  it("exits 2 with one error naming a setting the app refuses, and never says ready", async () => {
    const run = await emulateHost({ ...LOADABLE, MAILFERRY_SLICE_SECONDS: "-5" });
    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain("ready");
    expect(run.stderr).toMatch(
      /setting MAILFERRY_SLICE_SECONDS: "-5" is not valid: allowed is a whole number/,
    );
    expect(
      run.stderr
        .trim()
        .split("\n")
        .filter((line) => line.startsWith("mailferry:")),
    ).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 naming a host setting the Functions host would refuse", async () => {
    const run = await emulateHost({
      ...LOADABLE,
      AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls: "-1",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/setting AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls/);
  });

  it("exits 2 listing the missing connections when nothing is set", async () => {
    const run = await emulateHost({});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/setting ServiceBusConnection: is required/);
    expect(run.stderr).toMatch(/setting MailferryTables: is required/);
  });
});

describe("mailferry emulate host on SIGTERM", () => {
  it("stops while a handler is still working, exits 0 and gives its message back to the queue", async () => {
    const emulator = await startServiceBusEmulator({ logger: silentLogger, queues: QUEUES });
    const client = new ServiceBusClient(emulator.connectionString);
    const child = spawn(process.execPath, ["--import", "tsx", cli, "emulate", "host", "--app", busyApp], {
      stdio: ["ignore", "pipe", "pipe"],
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        ServiceBusConnection: emulator.connectionString,
        BUSY_QUEUE: CUTOVERS_QUEUE.name,
      },
    });
    const guard = setTimeout(() => child.kill("SIGKILL"), STILL_RUNNING_AFTER_MS);
    const exited = once(child, "exit");
    try {
      const [ready] = (await once(createInterface({ input: child.stdout }), "line")) as [string];
      expect(JSON.parse(ready)).toMatchObject({ ready: true });
      const working = new Promise<void>((resolve) => {
        createInterface({ input: child.stderr }).on("line", (line) => {
          if (line.includes("busy: working on a message")) resolve();
        });
      });
      await client.createSender(CUTOVERS_QUEUE.name).sendMessages({ body: "long work", messageId: "busy-1" });
      await working;
      child.kill("SIGTERM");
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      // Abandoned, not left to its lock (60 s on this queue): it is there to receive again now.
      const receiver = client.createReceiver(CUTOVERS_QUEUE.name);
      const [again] = await receiver.receiveMessages(1, {
        maxWaitTimeInMs: CUTOVERS_QUEUE.lockDurationSeconds * 500,
      });
      expect(again?.messageId).toBe("busy-1");
      expect(again?.deliveryCount).toBe(1);
      if (again) await receiver.completeMessage(again);
    } finally {
      clearTimeout(guard);
      child.kill("SIGKILL");
      await client.close();
      await emulator.close();
    }
  });
});
