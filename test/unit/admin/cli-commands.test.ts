/** Parsing of `mailferry wave create` options and the account rendering, without Azure. */
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  describeAccount,
  describeCompletion,
  registerAccountCommand,
} from "../../../cli/commands/account.js";
import { registerWaveCommands } from "../../../cli/commands/wave.js";
import { accountDetail } from "../../../shared/admin/account.js";
import { completeAccount } from "../../../shared/admin/complete.js";
import { createMemoryStore, type MemoryStore } from "../../../shared/store/index.js";
import { at, T0 } from "../../factories/index.js";
import { accountAlong, addWave, memoryPorts } from "../../fixtures/admin/ports.js";

const SKU = "c7df2760-2c81-4ef7-b578-5b5392b571df";

async function waveCreate(
  args: readonly string[],
): Promise<{ store: MemoryStore; printed: string; error: unknown }> {
  const store = createMemoryStore();
  const program = new Command("mailferry").exitOverride();
  // The store outlives the command so the test can read what it wrote.
  registerWaveCommands(program, () => Promise.resolve({ ...store, close: () => Promise.resolve() }));
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  let error: unknown;
  try {
    await program.parseAsync(["wave", "create", ...args], { from: "user" });
  } catch (caught) {
    error = caught;
  }
  const printed = out.mock.calls.map(([chunk]) => String(chunk)).join("");
  out.mockRestore();
  return { store, printed, error };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("mailferry wave create", () => {
  it("turns every cutover option into the wave's settings and prints them", async () => {
    const { store, printed, error } = await waveCreate([
      "w1",
      "--time-zone",
      "Europe/London",
      "--no-prestage",
      "--incremental-hours",
      "6",
      "--cutover-unsynced",
      "--mirror-deletions",
      "--archive-age-months",
      "24",
      "--license-sku",
      SKU,
      "--notify-from",
      "it@contoso.com",
      "--notify-subject",
      "Welcome {displayName}",
      "--notify-body",
      "Your mailbox {upn} moved at {cutoverTime}.",
      "--announce",
    ]);
    expect(error).toBeUndefined();
    const wave = await store.waves.get("w1");
    expect(wave).toMatchObject({
      prestage: false,
      incrementalHours: 6,
      cutoverUnsynced: true,
      mirrorDeletions: true,
      archiveAgeMonths: 24,
      finalize: {
        licenseSkuId: SKU,
        notify: {
          from: "it@contoso.com",
          subject: "Welcome {displayName}",
          body: "Your mailbox {upn} moved at {cutoverTime}.",
        },
        announce: true,
      },
    });
    expect(printed).toContain("prestage         no");
    expect(printed).toContain("incremental      every 6 h");
    expect(printed).toContain("cutover unsynced yes");
    expect(printed).toContain("mirror deletions yes");
    expect(printed).toContain("archive after    24 months");
    expect(printed).toContain(`licence SKU      ${SKU}`);
    expect(printed).toContain("notify from      it@contoso.com");
    expect(printed).toContain("notify subject   Welcome {displayName}");
    expect(printed).toContain("announce         yes");
  });

  it("keeps the defaults when no cutover option is given", async () => {
    const { store, printed } = await waveCreate(["w2", "--time-zone", "UTC", "--incremental-hours", "0"]);
    const wave = await store.waves.get("w2");
    expect(wave).toMatchObject({
      prestage: true,
      incrementalHours: 0,
      cutoverUnsynced: false,
      mirrorDeletions: false,
      finalize: { announce: false },
    });
    expect(wave).not.toHaveProperty("archiveAgeMonths");
    expect(wave.finalize).not.toHaveProperty("notify");
    expect(printed).toContain("prestage         yes");
    expect(printed).toContain("incremental      off");
    expect(printed).not.toContain("notify from");
  });

  it("wants the three notify options together, naming the missing ones", async () => {
    const { store, error } = await waveCreate([
      "w3",
      "--time-zone",
      "UTC",
      "--notify-from",
      "it@contoso.com",
      "--notify-subject",
      "Hello",
    ]);
    expect(error).toMatchObject({ name: "ValidationError", where: "--notify-body" });
    expect((error as Error).message).toContain("--notify-body is missing");
    expect(await store.waves.find("w3")).toBeUndefined();
  });

  it("lets defineWave refuse bad values, naming the field", async () => {
    const months = await waveCreate(["w4", "--time-zone", "UTC", "--archive-age-months", "0"]);
    expect(months.error).toMatchObject({ name: "ValidationError" });
    expect((months.error as Error).message).toContain("archiveAgeMonths must be at least 1");
    const sku = await waveCreate(["w5", "--time-zone", "UTC", "--license-sku", "E5"]);
    expect((sku.error as Error).message).toContain("finalize.licenseSkuId");
    const from = await waveCreate([
      "w6",
      "--time-zone",
      "UTC",
      "--notify-from",
      "not a upn",
      "--notify-subject",
      "s",
      "--notify-body",
      "b",
    ]);
    expect((from.error as Error).message).toContain("finalize.notify.from");
  });
});

describe("mailferry account", () => {
  it("shows round, synced at and the completion times when set", async () => {
    const ports = memoryPorts(at(20));
    await addWave(ports, "w1");
    await accountAlong(ports, 1, "w1", ["Queued"]);
    const id = "user1@source.contoso.com";
    const queued = describeAccount(await accountDetail(ports, id));
    expect(queued).toMatch(/^ {2}round +0 \(initial copy\)$/m);
    expect(queued).not.toContain("synced at");
    expect(queued).not.toContain("complete after");
    expect(queued).not.toContain("complete now");

    const account = await ports.store.accounts.get(id);
    await ports.store.accounts.transition(id, account.etag, "Syncing", {
      reason: "t",
      actor: "t",
      at: T0,
    });
    const syncing = await ports.store.accounts.get(id);
    await ports.store.accounts.transition(id, syncing.etag, "Synced", { reason: "t", actor: "t", at: at(5) });
    const now = await completeAccount(ports, id, {}, { actor: "cli:ops", via: "cli" });
    expect(describeCompletion({ ...now, actionId: "a1" })).toBe(
      `account ${id} (Synced) is cut over as soon as it is synced, window or not (complete now asked Mon 2025-03-03 12:20 +00:00) (action a1)`,
    );
    expect(describeAccount(await accountDetail(ports, id))).toMatch(
      /^ {2}complete now +asked Mon 2025-03-03 12:20 \+00:00$/m,
    );
    await completeAccount(ports, id, { at: "2025-03-08T19:00:00Z" }, { actor: "cli:ops", via: "cli" });
    const text = describeAccount(await accountDetail(ports, id));
    expect(text).toMatch(/^ {2}synced at +Mon 2025-03-03 12:05 \+00:00$/m);
    expect(text).toMatch(/^ {2}complete after +Sat 2025-03-08 19:00 \+00:00$/m);
    // The later "after" took back the earlier "now".
    expect(text).not.toContain("complete now");
  });

  it("has a complete subcommand with --at and --reason, and keeps `account <id>`", () => {
    const program = new Command("mailferry");
    registerAccountCommand(program);
    const account = program.commands.find((command) => command.name() === "account");
    const complete = account?.commands.find((command) => command.name() === "complete");
    expect(complete?.options.map((option) => option.long)).toEqual(["--at", "--reason", "--json"]);
    expect(complete?.helpInformation()).toContain("<account>");
    expect(account?.registeredArguments.map((argument) => argument.name())).toEqual(["account"]);
  });
});
