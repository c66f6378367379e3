import { describe, expect, it } from "vitest";
import { accountDetail } from "../../../shared/admin/account.js";
import { REPORT_COLUMNS, waveReport } from "../../../shared/admin/report.js";
import { STALL_AFTER_MS, waveUsers } from "../../../shared/admin/users.js";
import type { Account } from "../../../shared/domain/index.js";
import { accountAlong, addWave, memoryPorts, type MemoryPorts } from "../../fixtures/admin/ports.js";
import { T0 } from "../../factories/index.js";

const LATER = new Date(T0.getTime() + STALL_AFTER_MS + 60_000);

/** Three accounts of wave w1 at different points: copying, synced, completed with warnings. */
async function seeded(): Promise<MemoryPorts> {
  const ports = memoryPorts(LATER);
  await addWave(ports, "w1");
  const write = (
    account: Account,
    update: Parameters<MemoryPorts["store"]["accounts"]["updateProgress"]>[2],
  ) => ports.store.accounts.updateProgress(account.id, account.etag, update);
  const copying = await accountAlong(ports, 1, "w1", ["Queued", "Syncing"]);
  await write(copying, {
    progress: { items: 30, bytes: 3_000 },
    stats: { sourceItems: 120, startedAt: T0.toISOString() },
    at: T0,
  });
  const synced = await accountAlong(ports, 2, "w1", ["Queued", "Syncing", "Synced"]);
  await write(synced, {
    progress: { items: 500, bytes: 900_000 },
    stats: { sourceItems: 500, lastSyncAt: new Date(T0.getTime() + 1_000).toISOString() },
    at: LATER,
  });
  const done = await accountAlong(ports, 3, "w1", ["Queued", "Syncing", "Synced", "Completing"]);
  const finished = await ports.store.accounts.transition(done.id, done.etag, "CompletedWithWarnings", {
    reason: "1 bad and 0 large items skipped",
    actor: "test",
    at: LATER,
    update: {
      progress: { items: 499, bytes: 50_000, badItems: 1 },
      stats: {
        sourceItems: 500,
        lastSyncAt: LATER.toISOString(),
        warnings: ["1 bad and 0 large items skipped", "the cutover notice could not be sent"],
      },
    },
  });
  expect(finished.status).toBe("CompletedWithWarnings");
  return ports;
}

describe("wave users", () => {
  it("lists every account with its statistics, a waiting reason and the warnings", async () => {
    const ports = await seeded();
    const page = await waveUsers(ports, "w1");
    expect(page.total).toBe(3);
    const byUpn = new Map(page.users.map((user) => [user.sourceUpn, user]));
    expect(byUpn.get("user1@source.contoso.com")?.statistics).toMatchObject({
      percentComplete: 25,
      itemsSynced: 30,
      sourceItems: 120,
      stalled: true,
    });
    expect(byUpn.get("user2@source.contoso.com")?.statistics).toMatchObject({
      percentComplete: 100,
      consistency: "Perfect",
      stalled: false,
      waiting: "synced; waits for a cutover window",
    });
    expect(byUpn.get("user3@source.contoso.com")?.statistics).toMatchObject({
      consistency: "Investigate",
      warnings: ["1 bad and 0 large items skipped", "the cutover notice could not be sent"],
    });
  });

  it("filters by status and stall, sorts by percent, size and last sync, and pages", async () => {
    const ports = await seeded();
    const upns = async (query: Parameters<typeof waveUsers>[2]) =>
      (await waveUsers(ports, "w1", query)).users.map((user) => user.sourceUpn.split("@")[0]);
    expect(await upns({ status: "Synced" })).toEqual(["user2"]);
    expect(await upns({ stalled: true })).toEqual(["user1"]);
    expect(await upns({ sort: "percent" })).toEqual(["user1", "user2", "user3"]);
    expect(await upns({ sort: "percent", descending: true })).toEqual(["user3", "user2", "user1"]);
    expect(await upns({ sort: "size" })).toEqual(["user2", "user3", "user1"]);
    expect(await upns({ sort: "lastSync" })).toEqual(["user1", "user2", "user3"]);
    expect(await upns({ search: "USER3@" })).toEqual(["user3"]);
    const page = await waveUsers(ports, "w1", { sort: "size", offset: 1, limit: 1 });
    expect(page).toMatchObject({ total: 3, offset: 1 });
    expect(page.users.map((user) => user.sourceUpn)).toEqual(["user3@source.contoso.com"]);
    await expect(waveUsers(ports, "nope")).rejects.toMatchObject({ name: "NotFoundError" });
  });

  it("finds an account by its target UPN as well as by its id or source UPN", async () => {
    const ports = await seeded();
    const byTarget = await accountDetail(ports, "user2@contoso.onmicrosoft.com");
    expect(byTarget.account.id).toBe("user2@source.contoso.com");
    expect(byTarget.user.statistics.percentComplete).toBe(100);
    await expect(accountDetail(ports, "nobody@contoso.onmicrosoft.com")).rejects.toMatchObject({
      name: "NotFoundError",
    });
  });

  it("puts the statistics and the warnings into the report", async () => {
    const ports = await seeded();
    const lines: string[] = [];
    for await (const line of waveReport(ports, "w1", "CompletedWithWarnings")) lines.push(line);
    const header = lines[0]?.trim().split(",") ?? [];
    expect(header).toEqual([...REPORT_COLUMNS]);
    const cells = lines[1]?.trim().split(",") ?? [];
    const cell = (name: string): string | undefined => cells[header.indexOf(name)];
    expect(cell("percentComplete")).toBe("100");
    expect(cell("sourceItems")).toBe("500");
    expect(cell("consistency")).toBe("Investigate");
    expect(cell("warnings")).toBe("1 bad and 0 large items skipped; the cutover notice could not be sent");
  });
});
