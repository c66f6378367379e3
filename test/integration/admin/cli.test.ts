/**
 * The operator commands as scripts run them: the `mailferry` process with the settings the
 * embedded stack prints, JSON on stdout and exit codes that say what happened.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import type { ServiceBusClient } from "@azure/service-bus";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { registerAdminCommands } from "../../../cli/commands/admin-commands.js";
import { registerWaveCommands } from "../../../cli/commands/wave.js";
import { startEmulators, type Emulators } from "../../../local/stack.js";
import { TablesOperatorActionLog } from "../../../shared/admin/actions/tables.js";
import { MOVES_QUEUE } from "../../../shared/bus/topology.js";
import { readTablesSettings } from "../../../shared/config/index.js";
import { defineWave } from "../../../shared/domain/index.js";
import { createStore } from "../../../shared/store/index.js";
import { createTableClient } from "../../../shared/azure/index.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { connect, sendToDeadLetter } from "../../fixtures/admin/bus.js";
import { moveMessage } from "../../fixtures/admin/ports.js";

const main = fileURLToPath(new URL("../../../cli/main.ts", import.meta.url));

let stack: Emulators;
let client: ServiceBusClient;

beforeAll(async () => {
  stack = await startEmulators({ graph: false, logger: silentLogger });
  client = connect(stack.settings.ServiceBusConnection ?? "");
  const store = await createStore(readTablesSettings(stack.settings));
  await store.waves.create(defineWave({ id: "cli", timeZone: "UTC" }, new Date()));
  await store.close();
  await sendToDeadLetter(
    client,
    MOVES_QUEUE.name,
    [1, 2].map((n) => ({ body: moveMessage({ accountId: `user${n}@x.com` }), messageId: `m${n}` })),
    "Poison",
    "the handler threw",
  );
});

afterAll(async () => {
  await client.close();
  await stack.close();
});

async function mailferry(
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", main, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      MailferryTables: stack.settings.MailferryTables,
      ServiceBusConnection: stack.settings.ServiceBusConnection,
      MAILFERRY_LOG_LEVEL: "warn",
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, "exit")) as [number | null];
  return { code, stdout, stderr };
}

describe("mailferry operator commands", () => {
  it("refuse an unconfirmed purge with exit code 2 and remove nothing", async () => {
    const purge = await mailferry("dlq", "purge", "--all");
    expect(purge.code).toBe(2);
    expect(purge.stdout).toContain("dry run: 2 messages would be purged");
    expect(stack.serviceBus.queueStats(MOVES_QUEUE.name).deadLetter).toBe(2);
  });

  it("replay with exit code 0, JSON output, and a record naming the CLI user", async () => {
    const replay = await mailferry("dlq", "replay", "--reason", "Poison", "--json");
    expect(replay.code).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ dryRun: false, done: 2, stopped: false });
    expect(stack.serviceBus.queueStats(MOVES_QUEUE.name)).toMatchObject({ deadLetter: 0, active: 2 });

    const log = new TablesOperatorActionLog(
      createTableClient(readTablesSettings(stack.settings), "operatorActions"),
    );
    const actions = await log.list(10);
    expect(actions.map((action) => [action.action, action.via, action.count, action.outcome])).toEqual([
      ["deadletter.replay", "cli", 2, "completed"],
    ]);
    expect(actions.every((action) => action.actor.startsWith("cli:"))).toBe(true);
  });

  it("exit 1 when a replay or purge selection matches nothing", async () => {
    const [replay, purge] = await Promise.all([
      mailferry("dlq", "replay", "--reason", "NoSuchReason"),
      mailferry("dlq", "purge", "--reason", "NoSuchReason"),
    ]);
    expect(replay.code).toBe(1);
    expect(purge.code).toBe(1);
  });

  it("adds complete to the wave command, which sets the wave's completion time and is recorded", async () => {
    const program = new Command("mailferry").exitOverride();
    registerWaveCommands(program);
    registerAdminCommands(program);
    const wave = program.commands.find((command) => command.name() === "wave");
    expect(wave?.commands.map((command) => command.name())).toContain("complete");
    const saved = { tables: process.env.MailferryTables, bus: process.env.ServiceBusConnection };
    process.env.MailferryTables = stack.settings.MailferryTables;
    process.env.ServiceBusConnection = stack.settings.ServiceBusConnection;
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    let printed = "";
    try {
      await program.parseAsync(["wave", "complete", "cli", "--after", "2030-01-01T00:00:00Z", "--json"], {
        from: "user",
      });
      printed = out.mock.calls.map(([chunk]) => String(chunk)).join("");
    } finally {
      out.mockRestore();
      process.env.MailferryTables = saved.tables;
      process.env.ServiceBusConnection = saved.bus;
    }
    expect(process.exitCode ?? 0).toBe(0);
    expect(JSON.parse(printed)).toMatchObject({
      wave: { id: "cli", completeAfter: "2030-01-01T00:00:00.000Z" },
    });
    const log = new TablesOperatorActionLog(
      createTableClient(readTablesSettings(stack.settings), "operatorActions"),
    );
    expect((await log.list(1))[0]).toMatchObject({ action: "wave.complete", via: "cli", target: "wave cli" });
  });

  it("complete the wave now without --after, and one account with account complete", async () => {
    const store = await createStore(readTablesSettings(stack.settings));
    await store.accounts.upsertImported(
      [
        {
          waveId: "cli",
          source: { upn: "ann@source.example" },
          target: { upn: "ann@target.example" },
          priority: 0,
        },
      ],
      new Date(),
    );
    await store.close();
    const program = new Command("mailferry").exitOverride();
    registerWaveCommands(program);
    registerAdminCommands(program);
    const saved = { tables: process.env.MailferryTables, bus: process.env.ServiceBusConnection };
    process.env.MailferryTables = stack.settings.MailferryTables;
    process.env.ServiceBusConnection = stack.settings.ServiceBusConnection;
    const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const printed: string[] = [];
    const run = async (...args: string[]): Promise<void> => {
      out.mockClear();
      await program.parseAsync(args, { from: "user" });
      printed.push(out.mock.calls.map(([chunk]) => String(chunk)).join(""));
    };
    const before = Date.now();
    try {
      await run("wave", "complete", "cli", "--json");
      await run("account", "complete", "Ann@Source.example", "--at", "2030-02-01T08:00:00Z", "--json");
      await run("account", "complete", "ann@source.example", "--reason", "CEO asked");
      await run("account", "ann@source.example");
    } finally {
      out.mockRestore();
      process.env.MailferryTables = saved.tables;
      process.env.ServiceBusConnection = saved.bus;
    }
    expect(process.exitCode ?? 0).toBe(0);
    const [waveJson = "", afterJson = "", nowText = "", shown = ""] = printed;
    const wave = (JSON.parse(waveJson) as { wave: { completeNow?: string; completeAfter?: string } }).wave;
    expect(Date.parse(wave.completeNow ?? "")).toBeGreaterThanOrEqual(before - 1_000);
    // Complete now takes back the earlier --after.
    expect(wave.completeAfter).toBeUndefined();
    expect(JSON.parse(afterJson)).toMatchObject({
      mode: "after",
      account: { id: "ann@source.example", completeAfter: "2030-02-01T08:00:00.000Z" },
    });
    expect(nowText).toMatch(/^account ann@source\.example \(Pending\) is cut over as soon as it is synced/);
    // The later "now" took back the earlier --at.
    expect(shown).not.toContain("complete after");
    expect(shown).toMatch(/^ {2}complete now +asked /m);
    const log = new TablesOperatorActionLog(
      createTableClient(readTablesSettings(stack.settings), "operatorActions"),
    );
    const actions = await log.list(3);
    expect(actions.map((action) => [action.action, action.target, action.via])).toEqual([
      ["account.complete", "account ann@source.example", "cli"],
      ["account.complete", "account ann@source.example", "cli"],
      ["wave.complete", "wave cli", "cli"],
    ]);
  });
});
