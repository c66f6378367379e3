import { describe, expect, it, vi } from "vitest";
import { accountDetail } from "../../../shared/admin/account.js";
import { canComplete, completeAccount } from "../../../shared/admin/complete.js";
import { AccountClosedError } from "../../../shared/admin/errors.js";
import { cutoverDecision } from "../../../shared/domain/index.js";
import { NotFoundError } from "../../../shared/store/index.js";
import { at, T0 } from "../../factories/index.js";
import { accountAlong, addWave, failedAccount, memoryPorts } from "../../fixtures/admin/ports.js";

const operator = { actor: "ops@contoso.com", via: "http" } as const;
const NOW = at(30);
const ID = "user1@source.contoso.com";

async function syncedScene() {
  const ports = memoryPorts(NOW);
  await addWave(ports, "w1");
  await accountAlong(ports, 1, "w1", ["Queued", "Syncing", "Synced"]);
  return ports;
}

describe("account complete", () => {
  it("without a time sets completeNow to now, so the account is cut over outside any window", async () => {
    const ports = await syncedScene();
    const before = await ports.store.accounts.get(ID);
    expect(cutoverDecision(before, await ports.store.waves.get("w1"), undefined, NOW).ready).toBe(false);

    const result = await completeAccount(ports, ID, { reason: "VIP asked" }, operator);

    expect(result.mode).toBe("now");
    expect(result.account.completeNow).toBe(NOW.toISOString());
    expect(result.account.completeAfter).toBeUndefined();
    expect(result.account).not.toHaveProperty("etag");
    const stored = await ports.store.accounts.get(ID);
    expect(stored.completeNow).toBe(NOW.toISOString());
    // Status, progress and history are untouched: this is a setting, not a transition.
    expect([stored.status, stored.transitions, stored.progress]).toEqual([
      "Synced",
      before.transitions,
      before.progress,
    ]);
    const wave = await ports.store.waves.get("w1");
    expect(cutoverDecision(stored, wave, undefined, NOW)).toEqual({ ready: true, forced: true });
  });

  it("with a time sets completeAfter (in UTC) and takes back an earlier complete now", async () => {
    const ports = await syncedScene();
    await completeAccount(ports, ID, {}, operator);
    const result = await completeAccount(ports, ID, { at: "2025-03-08T19:00:00+01:00" }, operator);
    expect(result.mode).toBe("after");
    const stored = await ports.store.accounts.get(ID);
    expect(stored.completeAfter).toBe("2025-03-08T18:00:00.000Z");
    expect(stored.completeNow).toBeUndefined();
    const wave = await ports.store.waves.get("w1");
    // Told to wait, the account is not cut over even though it was asked to go earlier.
    expect(cutoverDecision(stored, wave, undefined, NOW).ready).toBe(false);
  });

  it("works for accounts still on their way (Pending, Syncing) and records the action", async () => {
    const ports = memoryPorts(NOW);
    await addWave(ports, "w1");
    await accountAlong(ports, 2, "w1", []);
    const { account, actionId } = await completeAccount(
      ports,
      "user2@source.contoso.com",
      { at: "2025-03-10T00:00:00Z", reason: "after payroll" },
      operator,
    );
    expect([account.status, account.completeAfter]).toEqual(["Pending", "2025-03-10T00:00:00.000Z"]);
    const [action] = await ports.operatorActions.list(10);
    expect(action).toMatchObject({
      id: actionId,
      action: "account.complete",
      actor: "ops@contoso.com",
      via: "http",
      target: "account user2@source.contoso.com",
      filter: { at: "2025-03-10T00:00:00Z", reason: "after payroll" },
      count: 1,
      outcome: "completed",
      detail: "complete after 2025-03-10T00:00:00.000Z",
    });
  });

  it("refuses a Completed account naming its status, changes nothing, and records the refusal", async () => {
    const ports = memoryPorts(NOW);
    await addWave(ports, "w1");
    const done = await accountAlong(ports, 1, "w1", [
      "Queued",
      "Syncing",
      "Synced",
      "Completing",
      "Completed",
    ]);
    const refusal = completeAccount(ports, ID, {}, operator);
    await expect(refusal).rejects.toBeInstanceOf(AccountClosedError);
    await expect(refusal).rejects.toThrow(/account user1@source\.contoso\.com is Completed: complete/);
    const stored = await ports.store.accounts.get(ID);
    expect(stored.etag).toBe(done.etag);
    expect(stored.completeNow).toBeUndefined();
    const [action] = await ports.operatorActions.list(10);
    expect(action).toMatchObject({ action: "account.complete", count: 0, outcome: "failed" });
    expect(action?.detail).toContain("is Completed");
  });

  it("refuses Failed, Stopped and Skipped accounts too, and unknown accounts with NotFoundError", async () => {
    const ports = memoryPorts(NOW);
    await addWave(ports, "w1");
    await failedAccount(ports, 1, "w1", { class: "TargetNotLicensed", code: "NoLicense", message: "no" });
    await accountAlong(ports, 2, "w1", ["Stopped"]);
    await accountAlong(ports, 3, "w1", ["Skipped"]);
    await expect(completeAccount(ports, ID, {}, operator)).rejects.toThrow(/is Failed: .*retry it first/);
    await expect(completeAccount(ports, "user2@source.contoso.com", {}, operator)).rejects.toThrow(
      /is Stopped/,
    );
    await expect(completeAccount(ports, "user3@source.contoso.com", {}, operator)).rejects.toThrow(
      /is Skipped/,
    );
    await expect(completeAccount(ports, "nobody@source.contoso.com", {}, operator)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(
      (["Pending", "Queued", "Syncing", "Synced", "Completing"] as const).every((status) =>
        canComplete(status),
      ),
    ).toBe(true);
    expect(canComplete("CompletedWithWarnings")).toBe(false);
  });

  it("reads the account again and writes once more when a worker changed it in between", async () => {
    const ports = await syncedScene();
    const accounts = ports.store.accounts;
    const real = accounts.updateProgress.bind(accounts);
    let interfered = 0;
    const spy = vi.spyOn(accounts, "updateProgress").mockImplementation(async (id, etag, update) => {
      if (interfered === 0) {
        interfered++;
        // The mover records a slice first, so the operator's etag is stale.
        const current = await accounts.get(id);
        await real(id, current.etag, { slice: 7, at: T0 });
      }
      return real(id, etag, update);
    });
    const result = await completeAccount(ports, ID, {}, operator);
    expect(spy).toHaveBeenCalledTimes(2);
    expect([result.account.slice, result.account.completeNow]).toEqual([7, NOW.toISOString()]);
  });

  it("gives up with ConcurrencyConflictError when the account keeps changing", async () => {
    const ports = await syncedScene();
    const accounts = ports.store.accounts;
    const real = accounts.updateProgress.bind(accounts);
    const spy = vi.spyOn(accounts, "updateProgress").mockImplementation(async (id, etag, update) => {
      const current = await accounts.get(id);
      await real(id, current.etag, { slice: current.slice + 1, at: T0 });
      return real(id, etag, update);
    });
    await expect(completeAccount(ports, ID, {}, operator)).rejects.toMatchObject({
      name: "ConcurrencyConflictError",
    });
    expect(spy).toHaveBeenCalledTimes(2);
    expect((await accounts.get(ID)).completeNow).toBeUndefined();
    expect((await ports.operatorActions.list(1))[0]?.outcome).toBe("failed");
  });

  it("shows round, syncedAt and the completion times in the admin account view", async () => {
    const ports = await syncedScene();
    const pending = await accountDetail(ports, ID);
    expect(pending.account).toMatchObject({ round: 0, syncedAt: T0.toISOString() });
    expect(pending.account).not.toHaveProperty("completeNow");
    await completeAccount(ports, ID, { at: "2025-03-09T00:00:00Z" }, operator);
    expect((await accountDetail(ports, ID)).account).toMatchObject({
      round: 0,
      syncedAt: T0.toISOString(),
      completeAfter: "2025-03-09T00:00:00.000Z",
    });
    await completeAccount(ports, ID, {}, operator);
    const { account } = await accountDetail(ports, ID);
    expect(account).toMatchObject({ round: 0, completeNow: NOW.toISOString() });
    expect(account).not.toHaveProperty("completeAfter");
  });
});
