/**
 * `mailferry wave users` and `mailferry account` as an operator runs them against the embedded
 * stack: the per-user rows filtered and sorted, and an account found by its target UPN.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulators, type Emulators } from "../../../local/stack.js";
import { readTablesSettings } from "../../../shared/config/index.js";
import { accountIdFromUpn, defineWave, type Account } from "../../../shared/domain/index.js";
import { createStore, type MigrationStore } from "../../../shared/store/index.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { importedAccount } from "../../factories/index.js";

const main = fileURLToPath(new URL("../../../cli/main.ts", import.meta.url));
const HOUR = 3_600_000;

let stack: Emulators;

/** Takes the n-th user of wave `users` along `path`, then writes `update` to it. */
async function along(
  store: MigrationStore,
  n: number,
  path: readonly ("Queued" | "Syncing" | "Synced")[],
  update: Parameters<MigrationStore["accounts"]["updateProgress"]>[2],
): Promise<Account> {
  const row = importedAccount(n, { waveId: "users" });
  await store.accounts.upsertImported([row], update.at);
  let account = await store.accounts.get(accountIdFromUpn(row.source.upn));
  for (const to of path)
    account = await store.accounts.transition(account.id, account.etag, to, {
      reason: "test",
      actor: "test",
      at: update.at,
    });
  return store.accounts.updateProgress(account.id, account.etag, update);
}

beforeAll(async () => {
  stack = await startEmulators({ graph: false, logger: silentLogger });
  const store = await createStore(readTablesSettings(stack.settings));
  const now = Date.now();
  await store.waves.create(defineWave({ id: "users", timeZone: "UTC" }, new Date(now)));
  // user1: copying, a quarter done, and no progress for two hours (stalled).
  await along(store, 1, ["Queued", "Syncing"], {
    progress: { items: 25, bytes: 1_000 },
    stats: { sourceItems: 100, startedAt: new Date(now - 3 * HOUR).toISOString() },
    at: new Date(now - 2 * HOUR),
  });
  // user2: synced an hour ago, the largest.
  await along(store, 2, ["Queued", "Syncing", "Synced"], {
    progress: { items: 400, bytes: 8_000_000 },
    stats: { sourceItems: 400, lastSyncAt: new Date(now - HOUR).toISOString() },
    at: new Date(now),
  });
  // user3: copying, most of it done, moving right now.
  await along(store, 3, ["Queued", "Syncing"], {
    progress: { items: 90, bytes: 20_000 },
    stats: { sourceItems: 100 },
    at: new Date(now),
  });
  await store.close();
});

afterAll(async () => {
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

interface Listed {
  total: number;
  users: { sourceUpn: string; statistics: { percentComplete: number; stalled: boolean } }[];
}

describe("mailferry wave users and account", () => {
  it("sorts by percent and size, and filters by status and stall", async () => {
    const byPercent = await mailferry("wave", "users", "users", "--sort", "percent", "--json");
    expect(byPercent.code).toBe(0);
    const listed = JSON.parse(byPercent.stdout) as Listed;
    expect(
      listed.users.map((user) => [user.sourceUpn.split("@")[0], user.statistics.percentComplete]),
    ).toEqual([
      ["user1", 25],
      ["user3", 90],
      ["user2", 100],
    ]);

    const stalled = await mailferry("wave", "users", "users", "--stalled", "--status", "Syncing");
    expect(stalled.code).toBe(0);
    expect(stalled.stdout).toContain("user1@source.contoso.com");
    expect(stalled.stdout).toContain("STALLED");
    expect(stalled.stdout).not.toContain("user3@source.contoso.com");
    expect(stalled.stdout).toContain("accounts 1-1 of 1");

    const refused = await mailferry("wave", "users", "users", "--sort", "speed");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--sort.*percent, size, lastSync/);
  });

  it("finds an account by its target UPN and shows its statistics", async () => {
    const found = await mailferry("account", "user2@contoso.onmicrosoft.com");
    expect(found.code).toBe(0);
    expect(found.stdout).toContain("account user2@source.contoso.com: Synced");
    expect(found.stdout).toMatch(/statistics\s+100 % complete; 400 of 400 items/);
    expect(found.stdout).toMatch(/consistency\s+Perfect \(from the skipped items\)/);
  });
});
