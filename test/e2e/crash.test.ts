import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createOpenWave, importInventory, waitForWave } from "../../local/demo/wave.js";
import { verifyMigration } from "../../local/demo/verify.js";
import { startEmulators } from "../../local/stack.js";
import { readTablesSettings } from "../../shared/config/index.js";
import { createStore } from "../../shared/store/index.js";
import { smallStackOptions, problems } from "./support.js";

const cli = fileURLToPath(new URL("../../bin/mailferry.js", import.meta.url));

/** Runs the local Functions host in its own process, as a Functions instance would run. */
function startHost(settings: Readonly<Record<string, string>>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [cli, "emulate", "host"], {
    // A clean environment: only what a Functions instance would have, plus the app settings.
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...settings,
      MAILFERRY_LOG_LEVEL: "error",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"ready":true')) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`host exited early with ${code ?? "a signal"}`)));
  });
}

describe("a Functions instance that dies mid-slice", () => {
  it(
    "loses nothing and copies nothing twice once a new instance takes over",
    { timeout: 240_000 },
    async () => {
      // The stack runs the emulators only; the functions run in a child process we can kill.
      const stack = await startEmulators(
        smallStackOptions(
          // Latency stretches each slice so the kill lands while items are being copied.
          { mailboxes: 6, itemsPerMailbox: 60, seed: 3, latency: { perRequestMs: 25 } },
          { settings: { MAILFERRY_SLICE_SECONDS: "1" } },
        ),
      );
      const store = await createStore(readTablesSettings(stack.settings));
      let host: ChildProcess | undefined;
      try {
        const graph = stack.graph;
        if (!graph) throw new Error("no simulator");
        const inventory = graph.inventory();
        await createOpenWave(store, { waveId: "crash", capacity: inventory.length }, new Date());
        await importInventory(store, "crash", inventory, new Date());
        host = await startHost(stack.settings);
        // Kill it while copies are under way.
        await waitForWave(store, "crash", Number.MAX_SAFE_INTEGER, {
          timeoutMs: 60_000,
          pollMs: 50,
          onTick: (counts) => {
            if (counts.items > 0) throw new Error("mid-copy");
          },
        }).catch((error: unknown) => {
          if (!(error instanceof Error && error.message === "mid-copy")) throw error;
        });
        const before = await store.counters.waveCounts("crash");
        host.kill("SIGKILL");
        await new Promise((resolve) => host?.once("exit", resolve));
        expect(before.byStatus.Completed + before.byStatus.CompletedWithWarnings).toBeLessThan(
          inventory.length,
        );
        host = await startHost(stack.settings);
        await waitForWave(store, "crash", inventory.length, { timeoutMs: 120_000 });
        const verification = await verifyMigration(store, graph, inventory);
        expect(problems(verification)).toEqual([]);
        expect(
          verification.verdicts.every((verdict) => verdict.duplicated === 0 && verdict.extra === 0),
        ).toBe(true);
      } finally {
        host?.kill("SIGTERM");
        await store.close();
        await stack.close();
      }
    },
  );
});
