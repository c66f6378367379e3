import { describe, expect, it } from "vitest";
import {
  addDelta,
  applyProgress,
  countAccounts,
  countsDelta,
  emptyCounts,
  mergeDeltas,
  newAccount,
} from "../../../shared/domain/index.js";
import { at, importedAccount, T0 } from "../../factories/index.js";

describe("wave count deltas", () => {
  const pending = newAccount(importedAccount(1), T0);

  it("count a new account once in its status", () => {
    expect(countsDelta(undefined, pending)).toEqual([
      {
        waveId: "w1",
        byStatus: { Pending: 1 },
        folders: 0,
        items: 0,
        bytes: 0,
        badItems: 0,
        largeItemsSkipped: 0,
      },
    ]);
  });

  it("move counts between statuses and add progress differences", () => {
    const syncing = { ...pending, status: "Syncing" as const };
    const copied = applyProgress(syncing, { progress: { items: 10, bytes: 2_000 }, at: at(1) });
    expect(countsDelta(pending, copied)).toEqual([
      {
        waveId: "w1",
        byStatus: { Pending: -1, Syncing: 1 },
        folders: 0,
        items: 10,
        bytes: 2_000,
        badItems: 0,
        largeItemsSkipped: 0,
      },
    ]);
    expect(countsDelta(copied, copied)).toEqual([]);
  });

  it("split a move between waves into one delta per wave", () => {
    const moved = { ...pending, waveId: "w2" };
    const deltas = countsDelta(pending, moved);
    expect(deltas.map((delta) => [delta.waveId, delta.byStatus])).toEqual([
      ["w1", { Pending: -1 }],
      ["w2", { Pending: 1 }],
    ]);
  });

  it("merge and add up to what counting the accounts gives", () => {
    const accounts = [1, 2, 3].map((n) => newAccount(importedAccount(n), T0));
    const merged = mergeDeltas(accounts.flatMap((account) => countsDelta(undefined, account)));
    expect(merged).toHaveLength(1);
    const total = merged.reduce(addDelta, emptyCounts("w1"));
    expect(total).toEqual(countAccounts("w1", accounts));
    expect(total.accounts).toBe(3);
  });
});
