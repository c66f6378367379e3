/**
 * The `mailferry wave` and `mailferry import` commands end to end: the real CLI process, the Table
 * Storage adapter, and Azurite.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import { startServiceBusEmulator, type ServiceBusEmulator } from "@mailferry/azure-local/servicebus";
import { QUEUES } from "../../../shared/bus/topology.js";
import { accountIdFromUpn } from "../../../shared/domain/index.js";
import { createStore, type MigrationStore } from "../../../shared/store/index.js";
import { inventoryLines, request, upn } from "../../factories/index.js";

const cli = fileURLToPath(new URL("../../../bin/mailferry.js", import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let azurite: AzuriteInstance;
// Wave pause and the other recorded operator commands open the operator ports, Service Bus included.
let serviceBus: ServiceBusEmulator;
let folder: string;
let store: MigrationStore;
const tablePrefix = `t${randomBytes(5).toString("hex")}`;

function mailferry(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: {
        ...process.env,
        MailferryTables: azurite.connectionString,
        MailferryTablePrefix: tablePrefix,
        ServiceBusConnection: serviceBus.connectionString,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  azurite = await startAzurite();
  serviceBus = await startServiceBusEmulator({ queues: QUEUES });
  folder = await mkdtemp(join(tmpdir(), "mailferry-import-"));
  store = await createStore({
    kind: "connectionString",
    connectionString: azurite.connectionString,
    tablePrefix,
  });
});

afterAll(async () => {
  await store.close();
  await azurite.close();
  await serviceBus.close();
  await rm(folder, { recursive: true, force: true });
});

describe("mailferry wave and import", () => {
  it("creates waves with validated options and clear errors", async () => {
    const created = await mailferry("wave", "create", "evening-1", "--time-zone", "Europe/London");
    expect(created.code).toBe(0);
    expect(created.stdout).toContain("created wave evening-1: Scheduled");
    expect(created.stdout).toContain("Mon-Thu 19:00-07:00 x22000");
    const [duplicate, badZone, badWindow] = await Promise.all([
      mailferry("wave", "create", "evening-1", "--time-zone", "Europe/London"),
      mailferry("wave", "create", "evening-2", "--time-zone", "Europe/Atlantis"),
      mailferry("wave", "create", "evening-2", "--time-zone", "UTC", "--window", "evenings"),
    ]);
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toContain("exists already");
    expect(badZone.code).toBe(2);
    expect(badZone.stderr).toContain("not an IANA time zone");
    expect(badWindow.code).not.toBe(0);
    expect(badWindow.stderr).toContain("is not a window");
  });

  it("imports, reports bad rows by line and column, and re-imports without changes", async () => {
    const lines = [...inventoryLines(2_000, "evening-1")];
    lines.splice(101, 0, "not-a-upn,x@contoso.onmicrosoft.com,evening-1,1");
    lines.push(`${upn(5, "source.contoso.com")},dup@contoso.onmicrosoft.com,evening-1,1`);
    const file = join(folder, "inventory.csv");
    await writeFile(file, `${lines.join("\r\n")}\r\n`);

    const dry = await mailferry("import", file, "--dry-run");
    expect(dry.code).toBe(2);
    expect(dry.stdout).toContain("dry run: nothing was written");
    expect((await store.counters.waveCounts("evening-1")).accounts).toBe(0);

    const first = await mailferry("import", file, "--json");
    expect(first.code).toBe(2);
    expect(first.stderr).toContain("inventory.csv: line 102, column sourceUpn:");
    expect(first.stderr).toContain(
      `inventory.csv: line ${lines.length}, column sourceUpn: duplicates line 7`,
    );
    expect(JSON.parse(first.stdout)).toMatchObject({
      rows: 2_002,
      accepted: 2_000,
      rejected: 2,
      created: 2_000,
    });
    expect((await store.counters.waveCounts("evening-1")).byStatus.Pending).toBe(2_000);

    const id = accountIdFromUpn(upn(9, "source.contoso.com"));
    const account = await store.accounts.get(id);
    const queued = await store.accounts.transition(id, account.etag, "Queued", request());

    const clean = join(folder, "clean.csv");
    await writeFile(clean, [...inventoryLines(10, "evening-1", 5_000)].join("\n"));
    const [again, ok] = await Promise.all([mailferry("import", file, "--json"), mailferry("import", clean)]);
    expect(JSON.parse(again.stdout)).toMatchObject({ created: 0, updated: 0, unchanged: 1_999, kept: 1 });
    expect(await store.accounts.get(id)).toEqual(queued);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain("created 10");
  });

  it("shows, lists, pauses and repairs waves", async () => {
    const [show, listing, list] = await Promise.all([
      mailferry("wave", "show", "evening-1"),
      mailferry("wave", "show", "evening-1", "--status", "queued", "--json"),
      mailferry("wave", "list"),
    ]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/accounts\s+2010/);
    expect(JSON.parse(listing.stdout)).toMatchObject({
      items: [{ id: accountIdFromUpn(upn(9, "source.contoso.com")) }],
    });
    expect(list.stdout).toMatch(/evening-1\s+Scheduled\s+Europe\/London\s+2010/);
    expect((await mailferry("wave", "pause", "evening-1")).stdout).toContain("is Paused (action ");
    const [twice, repair] = await Promise.all([
      mailferry("wave", "pause", "evening-1"),
      mailferry("wave", "repair", "evening-1"),
    ]);
    expect(twice.code).not.toBe(0);
    expect(twice.stderr).toContain("already Paused");
    expect(repair.stdout).toContain("counters were exact (2010 accounts)");
  });
});
