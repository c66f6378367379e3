/**
 * `mailferry wave pause|resume|cancel` go through the admin API's use case, so each change (and
 * each refusal) is in the operator-actions log that `mailferry actions` lists.
 */
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerWaveCommands } from "../../../cli/commands/wave.js";
import { addWave, memoryPorts, type MemoryPorts } from "../../fixtures/admin/ports.js";

async function mailferry(ports: MemoryPorts, ...args: string[]): Promise<string> {
  const program = new Command("mailferry").exitOverride();
  registerWaveCommands(
    program,
    () => Promise.resolve({ ...ports.store, close: () => Promise.resolve() }),
    (work) => work(ports),
  );
  const out = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    await program.parseAsync(args, { from: "user" });
    return out.mock.calls.map(([chunk]) => String(chunk)).join("");
  } finally {
    out.mockRestore();
  }
}

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe("mailferry wave pause, resume and cancel", () => {
  it("change the wave and are recorded in the operator-actions log", async () => {
    const ports = memoryPorts();
    await addWave(ports, "w1");
    expect(await mailferry(ports, "wave", "resume", "w1")).toMatch(/^wave w1 is Active \(action /);
    await mailferry(ports, "wave", "pause", "w1", "--reason", "helpdesk asked");
    const cancelled = JSON.parse(await mailferry(ports, "wave", "cancel", "w1", "--json")) as {
      wave: { status: string };
      actionId: string;
    };
    expect(cancelled.wave.status).toBe("Cancelled");
    expect((await ports.store.waves.get("w1")).status).toBe("Cancelled");
    // The memory clock stands still, so the three share a time: compare them in action order.
    const actions = [...(await ports.operatorActions.list(10))].sort((a, b) =>
      a.action.localeCompare(b.action),
    );
    expect(actions.map((action) => [action.action, action.target, action.actor.startsWith("cli:")])).toEqual([
      ["wave.cancel", "wave w1", true],
      ["wave.pause", "wave w1", true],
      ["wave.resume", "wave w1", true],
    ]);
    expect(actions[0]?.id).toBe(cancelled.actionId);
    expect(actions[1]?.filter).toEqual({ reason: "helpdesk asked" });
  });

  it("records a refused change too and exits 1", async () => {
    const ports = memoryPorts();
    await addWave(ports, "w1");
    await mailferry(ports, "wave", "cancel", "w1");
    await mailferry(ports, "wave", "resume", "w1");
    expect(process.exitCode).toBe(1);
    const refused = (await ports.operatorActions.list(10)).find((action) => action.action === "wave.resume");
    expect(refused?.outcome).toBeDefined();
    expect(refused?.outcome).not.toBe("completed");
  });

  it("exits 2 on an unknown wave, naming it", async () => {
    const ports = memoryPorts();
    await mailferry(ports, "wave", "pause", "nope");
    expect(process.exitCode).toBe(2);
  });
});
