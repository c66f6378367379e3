import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { TableClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import { startAzurite } from "../../../src/azurite/index.js";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 200 && alive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  return !alive(pid);
}

describe("startAzurite", () => {
  it("serves Table Storage on 127.0.0.1 in memory and stops on close", async () => {
    const azurite = await startAzurite();
    expect(azurite.tableEndpoint).toBe(`http://127.0.0.1:${azurite.port}/devstoreaccount1`);
    const table = TableClient.fromConnectionString(azurite.connectionString, "launcher", {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.createEntity({ partitionKey: "p", rowKey: "r", value: 1 });
    expect((await table.getEntity("p", "r")).value).toBe(1);
    const pid = azurite.pid ?? 0;
    expect(alive(pid)).toBe(true);
    await azurite.close();
    await azurite.close();
    expect(alive(pid)).toBe(false);
  });

  it("gives each instance its own port and data", async () => {
    const [a, b] = await Promise.all([startAzurite(), startAzurite()]);
    try {
      expect(a.port).not.toBe(b.port);
      const tableA = TableClient.fromConnectionString(a.connectionString, "only", {
        allowInsecureConnection: true,
      });
      await tableA.createTable();
      const tableB = TableClient.fromConnectionString(b.connectionString, "only", {
        allowInsecureConnection: true,
      });
      await expect(tableB.getEntity("p", "r")).rejects.toMatchObject({ statusCode: 404 });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("leaves no emulator behind when the process that started it is killed", async () => {
    const helper = fileURLToPath(new URL("./azurite-parent.ts", import.meta.url));
    const parent = spawn(process.execPath, ["--import", "tsx", helper], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: parent.stdout }).once("line", resolve);
      parent.once("exit", () => reject(new Error("helper exited early")));
    });
    const { pid } = JSON.parse(line) as { pid: number };
    expect(alive(pid)).toBe(true);
    parent.kill("SIGKILL");
    expect(await gone(pid)).toBe(true);
  });

  it("keeps every acknowledged write on disk when the process that started it is killed", async () => {
    const ROWS = 200;
    const helper = fileURLToPath(new URL("./azurite-parent.ts", import.meta.url));
    const dir = await mkdtemp(join(tmpdir(), "mailferry-azurite-"));
    try {
      const parent = spawn(process.execPath, ["--import", "tsx", helper, dir, String(ROWS)], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: parent.stdout }).once("line", resolve);
        parent.once("exit", () => reject(new Error("helper exited early")));
      });
      const { pid } = JSON.parse(line) as { pid: number };
      // Every write is acknowledged; Azurite's own save timer (5 s) has not run for the last ones.
      parent.kill("SIGKILL");
      expect(await gone(pid)).toBe(true);
      const again = await startAzurite({ persistDir: dir });
      try {
        const table = TableClient.fromConnectionString(again.connectionString, "kept", {
          allowInsecureConnection: true,
        });
        let rows = 0;
        for await (const _entity of table.listEntities()) rows += 1;
        expect(rows).toBe(ROWS);
      } finally {
        await again.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
