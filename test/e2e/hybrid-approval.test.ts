/**
 * Skipped items in a hybrid wave: Exchange holds moves scored Investigate or Poor until their
 * skipped items are approved. The wave's policy approves Investigate itself; Poor waits for an
 * operator, one account at a time or a whole score of the wave, each recorded.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dailyWindow, importHybridInventory } from "../../local/demo/hybrid.js";
import { approveAccount, approveWave } from "../../shared/admin/hybrid.js";
import { accountIdFromUpn } from "../../shared/domain/index.js";
import { readHybridCheckpoint } from "../../shared/mover/hybrid/checkpoint.js";
import { services } from "../../functions/services.js";
import {
  type HybridStack,
  startHybridStack,
  startHybridWave,
  waitForSettled,
  waitForStatuses,
} from "./hybrid-support.js";

const WAVE = "skipped";
const operator = { actor: "e2e-operator", via: "cli" as const };

describe("skipped items", () => {
  let hybrid: HybridStack;

  beforeAll(async () => {
    hybrid = await startHybridStack({
      organisation: { mailboxes: 8, seed: 5, archiveRate: 0 },
      mrs: { scoreOdds: { Perfect: 0, Good: 0, Investigate: 1, Poor: 0 } },
    });
  }, 60_000);

  afterAll(async () => {
    await hybrid.stack.close();
  });

  it("complete on the wave's policy or once an operator approved them", { timeout: 180_000 }, async () => {
    const { store, exchange } = hybrid;
    const accounts = exchange.inventory();
    const [investigated, poor] = [accounts.slice(0, 3), accounts.slice(3)];
    // The first accounts sync while Exchange scores everything Investigate, the others Poor.
    await startHybridWave(
      hybrid,
      {
        waveId: WAVE,
        windows: [dailyWindow("00:00", "24:00", 100)],
        hybrid: { autoApprove: "Investigate" },
        settings: { cutoverUnsynced: true },
      },
      new Date(),
      (upn) => investigated.some((account) => account.upn === upn),
    );
    await waitForStatuses(store, WAVE, ["CompletedWithWarnings"], investigated.length);
    for (const account of investigated) {
      const done = await store.accounts.get(accountIdFromUpn(account.upn));
      expect(readHybridCheckpoint(done.checkpoint)?.approvedBy).toMatch(/wave's policy/);
      const history = await store.accounts.history(done.id);
      expect(history.at(-1)?.reason).toMatch(
        /skipped items \(data consistency score Investigate, approved by the wave's policy/,
      );
    }
    exchange.setMrs({ scoreOdds: { Perfect: 0, Good: 0, Investigate: 0, Poor: 1 } });
    await importHybridInventory(store, WAVE, poor, new Date());
    const total = accounts.length;
    await waitForStatuses(store, WAVE, ["Synced"], poor.length);
    // The window is open, yet Exchange completes none of them while their skipped items wait.
    const before = exchange.usage().completions.length;
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(exchange.usage().completions.length).toBe(before);
    const waiting = (await store.accounts.listByStatus(WAVE, "Synced", { limit: 100 })).items;
    expect(waiting).toHaveLength(poor.length);
    for (const account of waiting)
      expect(readHybridCheckpoint(account.checkpoint)?.waiting).toMatch(
        /wait for approval \(data consistency score Poor\)/,
      );

    const ports = await services();
    const one = waiting[0];
    if (one === undefined) throw new Error("no waiting account");
    await approveAccount(ports, one.id, { reason: "checked the skipped items" }, operator);
    await waitForStatuses(store, WAVE, ["Completed", "CompletedWithWarnings"], investigated.length + 1);
    expect((await store.accounts.get(one.id)).status).toBe("CompletedWithWarnings");
    expect((await store.counters.waveCounts(WAVE)).byStatus.Synced).toBe(poor.length - 1);

    const approved = await approveWave(ports, WAVE, { score: "Poor" }, operator);
    expect(approved.approved).toBe(poor.length - 1);
    await waitForSettled(store, WAVE, total);
    const actions = await ports.operatorActions.list(10);
    expect(
      actions.filter((action) => action.action === "account.approve" && action.outcome === "completed"),
    ).toHaveLength(1);
    expect(actions.find((action) => action.action === "wave.approve")?.count).toBe(poor.length - 1);
    for (const account of accounts)
      expect(exchange.inspect(account.upn, "PrimaryAndArchive").problems).toEqual([]);
    const last = await store.accounts.history(one.id);
    expect(last.at(-1)?.reason).toMatch(/approved by e2e-operator/);
  });
});
