import { Readable } from "node:stream";
import { beforeEach, describe, expect, it } from "vitest";
import { accountIdFromUpn } from "../../../shared/domain/index.js";
import { importInventory, type ImportOptions, type RowProblem } from "../../../shared/inventory/index.js";
import { createMemoryStore, type MemoryStore, type MigrationStore } from "../../../shared/store/index.js";
import { at, inventoryLines, request, T0, upn, waveRecord } from "../../factories/index.js";

function csv(lines: Iterable<string>): Readable {
  return Readable.from(
    (function* () {
      for (const line of lines) yield `${line}\n`;
    })(),
  );
}

describe("importInventory", () => {
  let store: MemoryStore;
  const run = (lines: Iterable<string>, options: Partial<ImportOptions> = {}) =>
    importInventory(csv(lines), { store, now: T0, batchSize: 100, ...options });

  beforeEach(async () => {
    store = createMemoryStore();
    await store.waves.create(waveRecord({ id: "w1" }));
    await store.waves.create(waveRecord({ id: "w2" }));
  });

  it("imports valid rows in batches and re-importing changes nothing", async () => {
    const first = await run(inventoryLines(1_050));
    expect(first).toMatchObject({ rows: 1_050, accepted: 1_050, rejected: 0, created: 1_050, problems: 0 });
    const before = await store.accounts.get(accountIdFromUpn(upn(7, "source.contoso.com")));
    const second = await run(inventoryLines(1_050), { now: at(60) });
    expect(second).toMatchObject({ created: 0, unchanged: 1_050, updated: 0, kept: 0 });
    expect(await store.accounts.get(before.id)).toEqual(before);
    expect((await store.counters.waveCounts("w1")).byStatus.Pending).toBe(1_050);
  });

  it("never resets accounts that have left Pending", async () => {
    await run(inventoryLines(10));
    const id = accountIdFromUpn(upn(3, "source.contoso.com"));
    const account = await store.accounts.get(id);
    const queued = await store.accounts.transition(id, account.etag, "Queued", request());
    const again = await run(inventoryLines(10, "w2"), { now: at(5) });
    expect(again).toMatchObject({ kept: 1, updated: 9 });
    expect(await store.accounts.get(id)).toEqual(queued);
    expect((await store.counters.waveCounts("w2")).byStatus.Pending).toBe(9);
    expect((await store.counters.waveCounts("w1")).byStatus).toMatchObject({ Pending: 0, Queued: 1 });
  });

  it("writes nothing on a dry run but still reports every problem", async () => {
    const problems: RowProblem[] = [];
    const lines = [...inventoryLines(20)];
    lines.push("broken,row@contoso.onmicrosoft.com,w1,1");
    const summary = await run(lines, { dryRun: true, onProblem: (problem) => problems.push(problem) });
    expect(summary).toMatchObject({ dryRun: true, accepted: 20, rejected: 1, created: 0 });
    expect(problems).toEqual([expect.objectContaining({ line: 22, column: "sourceUpn" }) as RowProblem]);
    expect((await store.counters.waveCounts("w1")).accounts).toBe(0);
  });

  it("uses --wave for rows without a wave and refuses an unknown --wave up front", async () => {
    const summary = await run(["sourceUpn,targetUpn", "a@x.com,a@y.com"], { waveId: "W2" });
    expect(summary.created).toBe(1);
    expect((await store.accounts.get("a@x.com")).waveId).toBe("w2");
    await expect(run(["sourceUpn,targetUpn"], { waveId: "nope" })).rejects.toThrow(/does not exist/);
  });

  it("reports a file with no wave column and no --wave once, not once per row", async () => {
    const problems: RowProblem[] = [];
    const summary = await run(
      ["sourceUpn,targetUpn", "a@x.com,a@y.com", "b@x.com,b@y.com", "c@x.com,c@y.com"],
      {
        onProblem: (problem) => problems.push(problem),
      },
    );
    expect(problems).toEqual([
      {
        line: 1,
        column: "wave",
        message: expect.stringContaining("no wave column and no --wave") as unknown,
      },
    ]);
    expect(summary).toMatchObject({ problems: 1, aborted: "header", created: 0 });
  });

  it("never reports rows as written on a dry run", async () => {
    const seen: number[] = [];
    const summary = await run(inventoryLines(12_000), {
      dryRun: true,
      onProgress: (progress) => seen.push(progress.written),
    });
    expect(summary.accepted).toBe(12_000);
    expect(seen.length).toBeGreaterThan(2);
    expect(seen.filter((written) => written !== 0)).toEqual([]);
  });

  it("reports progress, ending with everything written", async () => {
    const seen: number[] = [];
    await run(inventoryLines(12_000), { onProgress: (progress) => seen.push(progress.written) });
    expect(seen.at(-1)).toBe(12_000);
    expect(seen.length).toBeGreaterThan(2);
  });

  it("passes a store failure on after the batches in flight settle", async () => {
    const failing: MigrationStore = {
      ...store,
      accounts: {
        ...store.accounts,
        upsertImported: () => Promise.reject(new Error("storage is down")),
      },
    };
    await expect(
      importInventory(csv(inventoryLines(500)), { store: failing, now: T0, batchSize: 100 }),
    ).rejects.toThrow("storage is down");
  });
});
