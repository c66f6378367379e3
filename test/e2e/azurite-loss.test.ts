/**
 * Table Storage that loses its latest acknowledged writes mid-wave. Azurite persisting to a folder
 * saves it only every few seconds, so when its process is killed (SIGKILL) together with the
 * Functions host, as when the machine running `emulate stack --persist` stops, the item map and
 * the folder checkpoints come back older than the target, which keeps every copy made since.
 * Restarted on the same folder, the wave goes on from there and must still end with every item
 * copied exactly once, as the simulated target mailboxes show.
 */
import type { ChildProcess } from "node:child_process";
import { TableClient } from "@azure/data-tables";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import { createOpenWave, importInventory, waitForWave } from "../../local/demo/wave.js";
import { verifyMigration } from "../../local/demo/verify.js";
import { killHost, startHostProcess } from "../../local/drill/crash.js";
import { startEmulators } from "../../local/stack.js";
import { readTablesSettings } from "../../shared/config/index.js";
import { createStore } from "../../shared/store/index.js";
import { tablesConnection } from "../../shared/azure/index.js";
import { silentLogger } from "../../shared/telemetry/logger.js";
import { until } from "../fixtures/admin/bus.js";
import { problems, smallStackOptions } from "./support.js";

const WAVE = "loss";

describe("Azurite killed mid-wave with persistence", () => {
  it(
    "loses its latest writes, and the wave still copies every item exactly once",
    { timeout: 240_000 },
    async () => {
      const folder = await mkdtemp(join(tmpdir(), "mailferry-azurite-loss-"));
      const stack = await startEmulators(
        smallStackOptions(
          { mailboxes: 2, itemsPerMailbox: 60, seed: 23, plantTrouble: false },
          { persistDir: folder },
        ),
      );
      const store = await createStore(readTablesSettings(stack.settings));
      let host: ChildProcess | undefined;
      let restarted: AzuriteInstance | undefined;
      try {
        const graph = stack.graph;
        if (!graph) throw new Error("the stack has no Graph simulator");
        const inventory = graph.inventory();
        const items = inventory.reduce((sum, account) => sum + account.itemCount, 0);
        await createOpenWave(store, { waveId: WAVE, capacity: inventory.length }, new Date());
        await importInventory(store, WAVE, inventory, new Date());
        host = await startHostProcess(stack.settings);

        // Killed while items are being copied: a quarter of them are in the target.
        await until(
          () => graph.counters().totals.itemsImported >= items / 4,
          "a quarter of the items",
          120_000,
        );
        // A write acknowledged just before the kill shows whether Azurite lost its latest writes.
        const connection = tablesConnection(readTablesSettings(stack.settings));
        if (!("connectionString" in connection)) throw new Error("the local stack uses a connection string");
        const probe = TableClient.fromConnectionString(connection.connectionString, "lossprobe", {
          allowInsecureConnection: true,
        });
        await probe.createTable();
        await probe.upsertEntity({ partitionKey: "probe", rowKey: "before-kill" });
        const { pid, port } = stack.azurite;
        if (pid === undefined) throw new Error("Azurite has no process id");
        process.kill(pid, "SIGKILL");
        await killHost(host);
        host = undefined;
        await stack.azurite.close();
        const importedAtKill = graph.counters().totals.itemsImported;

        restarted = await startAzurite({ persistDir: folder, port, logger: silentLogger });
        await expect(probe.getEntity("probe", "before-kill")).rejects.toMatchObject({ statusCode: 404 });
        host = await startHostProcess(stack.settings);
        await waitForWave(store, WAVE, inventory.length, { timeoutMs: 180_000 });
        const verification = await verifyMigration(store, graph, inventory);
        expect(importedAtKill).toBeLessThan(items);
        expect(problems(verification)).toEqual([]);
        expect(verification.verdicts.map((verdict) => [verdict.duplicated, verdict.missing])).toEqual(
          inventory.map(() => [0, 0]),
        );
      } finally {
        if (host) await killHost(host).catch(() => undefined);
        await store.close();
        await stack.close();
        await restarted?.close();
        await rm(folder, { recursive: true, force: true });
      }
    },
  );
});
