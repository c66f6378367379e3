/**
 * The behaviour every MigrationStore must have. Run against the in-memory fake (unit) and the
 * Table Storage adapter on Azurite (integration) so the fake can stand in for the real thing.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  accountIdFromUpn,
  type Account,
  type CountsDelta,
  IllegalTransitionError,
  LeaseHeldError,
} from "../../shared/domain/index.js";
import { mapLimit } from "../../shared/store/concurrency.js";
import {
  AlreadyExistsError,
  ConcurrencyConflictError,
  type MigrationStore,
  NotFoundError,
} from "../../shared/store/index.js";
import { ValidationError } from "../../shared/errors.js";
import { at, importedAccount, request, T0, upn, waveRecord } from "../factories/index.js";

/** A fresh, empty store and what a test needs around it. */
export interface StoreUnderTest {
  readonly store: MigrationStore;
  /** Makes the wave's counters disagree with its accounts, as a lost update would. */
  corruptCounters(delta: CountsDelta): Promise<void>;
  dispose(): Promise<void>;
}

export interface ContractOptions {
  /** Accounts in the concurrency test of counters (each makes two transitions). */
  readonly concurrentAccounts: number;
}

const idOf = (n: number): string => accountIdFromUpn(upn(n, "source.contoso.com"));

async function settle<T>(promises: readonly Promise<T>[]): Promise<{ ok: T[]; errors: unknown[] }> {
  const results = await Promise.allSettled(promises);
  return {
    ok: results.flatMap((result) => (result.status === "fulfilled" ? [result.value] : [])),
    errors: results.flatMap((result) => (result.status === "rejected" ? [result.reason as unknown] : [])),
  };
}

/** Registers the contract suite for one implementation. */
export function migrationStoreContract(
  name: string,
  create: () => Promise<StoreUnderTest>,
  options: ContractOptions = { concurrentAccounts: 1000 },
): void {
  describe(`MigrationStore contract: ${name}`, () => {
    let subject: StoreUnderTest;
    let store: MigrationStore;

    beforeEach(async () => {
      subject = await create();
      store = subject.store;
      await store.waves.create(waveRecord({ id: "w1" }));
      await store.waves.create(waveRecord({ id: "w2" }));
    });

    afterEach(async () => {
      await subject.dispose();
    });

    async function imported(
      n: number,
      overrides: Parameters<typeof importedAccount>[1] = {},
    ): Promise<Account> {
      await store.accounts.upsertImported([importedAccount(n, overrides)], T0);
      return store.accounts.get(idOf(n));
    }

    describe("import", () => {
      it("creates Pending accounts whose id derives from the source UPN", async () => {
        const results = await store.accounts.upsertImported([importedAccount(1), importedAccount(2)], T0);
        expect(results).toEqual([
          { accountId: idOf(1), outcome: "created" },
          { accountId: idOf(2), outcome: "created" },
        ]);
        const account = await store.accounts.get(idOf(1));
        expect(account).toMatchObject({
          id: "user1@source.contoso.com",
          waveId: "w1",
          status: "Pending",
          attempt: 0,
          transitions: 0,
          createdAt: T0.toISOString(),
          progress: { items: 0, bytes: 0 },
        });
        expect(account.etag).not.toBe("");
        expect(await store.accounts.history(idOf(1))).toEqual([]);
      });

      it("changes nothing when the same rows come again", async () => {
        const rows = [importedAccount(1), importedAccount(2, { priority: 7 })];
        await store.accounts.upsertImported(rows, T0);
        const before = await store.accounts.get(idOf(2));
        const again = await store.accounts.upsertImported(rows, at(5));
        expect(again.map((result) => result.outcome)).toEqual(["unchanged", "unchanged"]);
        const after = await store.accounts.get(idOf(2));
        expect(after).toEqual(before);
        expect((await store.counters.waveCounts("w1")).byStatus.Pending).toBe(2);
      });

      it("refreshes a Pending account and moves its counts with it to another wave", async () => {
        await store.accounts.upsertImported([importedAccount(1)], T0);
        const [result] = await store.accounts.upsertImported(
          [importedAccount(1, { waveId: "w2", priority: 5 })],
          at(1),
        );
        expect(result?.outcome).toBe("updated");
        expect(await store.accounts.get(idOf(1))).toMatchObject({
          waveId: "w2",
          priority: 5,
          status: "Pending",
        });
        expect((await store.counters.waveCounts("w1")).accounts).toBe(0);
        expect((await store.counters.waveCounts("w2")).byStatus.Pending).toBe(1);
        expect((await store.accounts.listByStatus("w2", "Pending")).items.map((a) => a.id)).toEqual([
          idOf(1),
        ]);
        expect((await store.accounts.listByStatus("w1", "Pending")).items).toEqual([]);
      });

      it("never resets an account that has left Pending", async () => {
        const account = await imported(1);
        const queued = await store.accounts.transition(account.id, account.etag, "Queued", request());
        const [result] = await store.accounts.upsertImported(
          [importedAccount(1, { priority: 9, waveId: "w2" })],
          at(1),
        );
        expect(result?.outcome).toBe("kept");
        expect(await store.accounts.get(account.id)).toEqual(queued);
      });

      it("rejects a batch that names one account twice and writes none of it", async () => {
        await expect(
          store.accounts.upsertImported([importedAccount(1), importedAccount(1)], T0),
        ).rejects.toThrow(ValidationError);
        expect(await store.accounts.find(idOf(1))).toBeUndefined();
      });

      it("imports a batch spanning many partitions and waves", async () => {
        const rows = Array.from({ length: 250 }, (_, n) =>
          importedAccount(n, { waveId: n % 2 ? "w1" : "w2" }),
        );
        const results = await store.accounts.upsertImported(rows, T0);
        expect(results.every((result) => result.outcome === "created")).toBe(true);
        expect((await store.counters.waveCounts("w1")).byStatus.Pending).toBe(125);
        expect((await store.counters.waveCounts("w2")).byStatus.Pending).toBe(125);
      });
    });

    describe("reads", () => {
      it("throws NotFoundError for an unknown account and finds nothing", async () => {
        await expect(store.accounts.get("nobody@contoso.com")).rejects.toThrow(NotFoundError);
        expect(await store.accounts.find("nobody@contoso.com")).toBeUndefined();
        await expect(
          store.accounts.transition("nobody@contoso.com", 'W/"1"', "Queued", request()),
        ).rejects.toThrow(NotFoundError);
      });

      it("refuses ids that are not account ids", async () => {
        await expect(store.accounts.get("User/One")).rejects.toThrow(ValidationError);
      });
    });

    describe("transitions", () => {
      it("writes the account and its audit record together", async () => {
        const account = await imported(1);
        const queued = await store.accounts.transition(
          account.id,
          account.etag,
          "Queued",
          request({ reason: "released by scheduler", actor: "inv-1", at: at(1) }),
        );
        expect(queued).toMatchObject({
          status: "Queued",
          attempt: 1,
          transitions: 1,
          statusSince: at(1).toISOString(),
        });
        expect(queued.etag).not.toBe(account.etag);
        expect(await store.accounts.get(account.id)).toEqual(queued);
        expect(await store.accounts.history(account.id)).toEqual([
          {
            accountId: account.id,
            seq: 1,
            at: at(1).toISOString(),
            from: "Pending",
            to: "Queued",
            reason: "released by scheduler",
            attempt: 1,
            actor: "inv-1",
          },
        ]);
      });

      it("walks the main path and keeps history in order", async () => {
        let account = await imported(1);
        const path = ["Queued", "Syncing", "Synced", "Completing", "CompletedWithWarnings"] as const;
        for (const [i, to] of path.entries()) {
          account = await store.accounts.transition(account.id, account.etag, to, request({ at: at(i + 1) }));
        }
        const history = await store.accounts.history(account.id);
        expect(history.map((record) => `${record.from}>${record.to}`)).toEqual([
          "Pending>Queued",
          "Queued>Syncing",
          "Syncing>Synced",
          "Synced>Completing",
          "Completing>CompletedWithWarnings",
        ]);
        expect(history.map((record) => record.seq)).toEqual([1, 2, 3, 4, 5]);
        const counts = await store.counters.waveCounts("w1");
        expect(counts.byStatus.CompletedWithWarnings).toBe(1);
        expect(counts.accounts).toBe(1);
      });

      it("keeps a long history whole and in order through claims, progress and shared transitions", async () => {
        let account = await imported(1);
        const expected: string[] = [];
        const move = async (to: Account["status"], step: number): Promise<void> => {
          // Every third reason is long, so the records also outgrow any size a row keeps.
          const reason = step % 3 === 0 ? `pass ${step} `.padEnd(3_500, "x") : `pass ${step}`;
          account = await store.accounts.transition(account.id, account.etag, to, request({ reason }));
          expected.push(`${step}:${to}:${reason.length}`);
        };
        let step = 1;
        await move("Queued", step++);
        await move("Syncing", step++);
        for (let pass = 0; pass < 20; pass += 1) {
          await move("Synced", step++);
          await move("Syncing", step++);
        }
        account = await store.accounts.claim(account.id, "worker-a", 60_000, T0);
        account = await store.accounts.updateProgress(account.id, account.etag, { slice: 3, at: at(1) });
        account = await store.accounts.release(account.id, "worker-a", at(2));
        await move("Synced", step++);
        const [shared] = await store.accounts.transitionMany(
          [account],
          "Syncing",
          request({ reason: "shared" }),
        );
        if (!shared) throw new Error("the shared transition was refused");
        expected.push(`${step}:Syncing:6`);

        const history = await store.accounts.history(account.id);
        expect(history.map((record) => `${record.seq}:${record.to}:${record.reason.length}`)).toEqual(
          expected,
        );
        expect(history.every((record, i) => i === 0 || record.from === history[i - 1]?.to)).toBe(true);
        expect((await store.accounts.get(account.id)).transitions).toBe(expected.length);
      });

      it("refuses illegal transitions with a typed error and writes nothing", async () => {
        const account = await imported(1);
        await expect(
          store.accounts.transition(account.id, account.etag, "Synced", request()),
        ).rejects.toThrow(IllegalTransitionError);
        const queued = await store.accounts.transition(account.id, account.etag, "Queued", request());
        // A re-send is not a status change.
        await expect(store.accounts.transition(queued.id, queued.etag, "Queued", request())).rejects.toThrow(
          IllegalTransitionError,
        );
        const syncing = await store.accounts.transition(queued.id, queued.etag, "Syncing", request());
        // A new slice is a progress update, not a transition.
        await expect(
          store.accounts.transition(syncing.id, syncing.etag, "Syncing", request()),
        ).rejects.toThrow(/progress update/);
        expect(await store.accounts.get(account.id)).toEqual(syncing);
        expect(await store.accounts.history(account.id)).toHaveLength(2);
        expect((await store.counters.waveCounts("w1")).byStatus.Syncing).toBe(1);
      });

      it("never lets a final account move again", async () => {
        let account = await imported(1);
        for (const to of ["Queued", "Syncing", "Synced", "Completing", "Completed"] as const) {
          account = await store.accounts.transition(account.id, account.etag, to, request());
        }
        for (const to of ["Failed", "Queued", "Stopped", "Pending"] as const) {
          await expect(
            store.accounts.transition(
              account.id,
              account.etag,
              to,
              request({ error: { class: "x", code: "x", message: "x" } }),
            ),
          ).rejects.toThrow(IllegalTransitionError);
        }
      });

      it("gives a stale writer a typed conflict, never a silent overwrite", async () => {
        const account = await imported(1);
        const queued = await store.accounts.transition(account.id, account.etag, "Queued", request());
        await expect(
          store.accounts.transition(account.id, account.etag, "Skipped", request()),
        ).rejects.toThrow(ConcurrencyConflictError);
        expect(await store.accounts.get(account.id)).toEqual(queued);
        expect(await store.accounts.history(account.id)).toHaveLength(1);
      });

      it("lets exactly one of many concurrent transitions of one account win", async () => {
        const account = await imported(1);
        const attempts = Array.from({ length: 12 }, (_, i) =>
          store.accounts.transition(account.id, account.etag, "Queued", request({ actor: `worker-${i}` })),
        );
        const { ok, errors } = await settle(attempts);
        expect(ok).toHaveLength(1);
        expect(errors).toHaveLength(11);
        for (const error of errors) expect(error).toBeInstanceOf(ConcurrencyConflictError);
        const history = await store.accounts.history(account.id);
        expect(history).toHaveLength(1);
        expect(history[0]?.actor).toMatch(/^worker-\d+$/);
        const counts = await store.counters.waveCounts("w1");
        expect(counts.byStatus).toMatchObject({ Pending: 0, Queued: 1 });
      });

      it("needs the error to fail an account and retries it with a new attempt", async () => {
        let account = await imported(1);
        account = await store.accounts.transition(account.id, account.etag, "Queued", request());
        account = await store.accounts.transition(account.id, account.etag, "Syncing", request());
        account = await store.accounts.updateProgress(account.id, account.etag, { slice: 4, at: at(1) });
        await expect(
          store.accounts.transition(account.id, account.etag, "Failed", request()),
        ).rejects.toThrow(ValidationError);
        const error = { class: "MailboxNotFound", code: "ErrorMailboxNotFound", message: "no mailbox" };
        const failed = await store.accounts.transition(
          account.id,
          account.etag,
          "Failed",
          request({ error }),
        );
        expect(failed).toMatchObject({ status: "Failed", attempt: 1, lastError: error });
        const retried = await store.accounts.transition(
          failed.id,
          failed.etag,
          "Queued",
          request({ reason: "retry" }),
        );
        expect(retried).toMatchObject({ status: "Queued", attempt: 2, slice: 0 });
        const history = await store.accounts.history(account.id);
        expect(history.map((record) => record.attempt)).toEqual([1, 1, 1, 2]);
        expect(history[2]?.error).toEqual(error);
      });
    });

    describe("leases", () => {
      it("claims only the version named by ifEtag", async () => {
        const account = await imported(1);
        const queued = await store.accounts.transition(account.id, account.etag, "Queued", request());
        await expect(
          store.accounts.claim(account.id, "worker-a", 60_000, T0, { ifEtag: account.etag }),
        ).rejects.toThrow(ConcurrencyConflictError);
        expect((await store.accounts.get(account.id)).lease).toBeUndefined();
        const claimed = await store.accounts.claim(account.id, "worker-a", 60_000, T0, {
          ifEtag: queued.etag,
        });
        expect(claimed.lease?.owner).toBe("worker-a");
        await expect(
          store.accounts.claim(account.id, "worker-b", 60_000, T0, { ifEtag: claimed.etag }),
        ).rejects.toThrow(LeaseHeldError);
      });

      it("grants a lease, refuses a live one to others, and lets the holder renew", async () => {
        const account = await imported(1);
        const claimed = await store.accounts.claim(account.id, "worker-a", 60_000, T0);
        expect(claimed.lease).toEqual({ owner: "worker-a", expiresAt: at(1).toISOString() });
        await expect(
          store.accounts.claim(account.id, "worker-b", 60_000, new Date(T0.getTime() + 59_999)),
        ).rejects.toThrow(LeaseHeldError);
        const renewed = await store.accounts.claim(account.id, "worker-a", 60_000, at(0.5));
        expect(renewed.lease?.expiresAt).toBe(new Date(T0.getTime() + 90_000).toISOString());
      });

      it("lets another worker take over only once the lease expired", async () => {
        const account = await imported(1);
        await store.accounts.claim(account.id, "worker-a", 60_000, T0);
        await expect(store.accounts.claim(account.id, "worker-b", 60_000, at(0.99))).rejects.toThrow(
          LeaseHeldError,
        );
        const taken = await store.accounts.claim(account.id, "worker-b", 60_000, at(1));
        expect(taken.lease?.owner).toBe("worker-b");
      });

      it("gives a lease to exactly one of several concurrent claimants", async () => {
        const account = await imported(1);
        const { ok, errors } = await settle(
          Array.from({ length: 8 }, (_, i) => store.accounts.claim(account.id, `worker-${i}`, 60_000, T0)),
        );
        expect(ok).toHaveLength(1);
        expect(errors).toHaveLength(7);
        for (const error of errors) expect(error).toBeInstanceOf(LeaseHeldError);
        expect((await store.accounts.get(account.id)).lease?.owner).toBe(ok[0]?.lease?.owner);
      });

      it("changes the ETag on claim so a writer that read before loses", async () => {
        const account = await imported(1);
        await store.accounts.claim(account.id, "worker-a", 60_000, T0);
        await expect(
          store.accounts.transition(account.id, account.etag, "Queued", request()),
        ).rejects.toThrow(ConcurrencyConflictError);
      });

      it("releases only the holder's lease", async () => {
        const account = await imported(1);
        const claimed = await store.accounts.claim(account.id, "worker-a", 60_000, T0);
        const notHolder = await store.accounts.release(account.id, "worker-b", T0);
        expect(notHolder).toEqual(claimed);
        const released = await store.accounts.release(account.id, "worker-a", T0);
        expect(released.lease).toBeUndefined();
        expect((await store.accounts.get(account.id)).lease).toBeUndefined();
      });

      it("keeps the lease through Syncing and drops it when work stops", async () => {
        let account = await imported(1);
        account = await store.accounts.transition(account.id, account.etag, "Queued", request());
        account = await store.accounts.claim(account.id, "worker-a", 60_000, T0);
        account = await store.accounts.transition(account.id, account.etag, "Syncing", request());
        expect(account.lease?.owner).toBe("worker-a");
        account = await store.accounts.transition(account.id, account.etag, "Synced", request());
        expect(account.lease).toBeUndefined();
        expect((await store.accounts.get(account.id)).lease).toBeUndefined();
      });
    });

    describe("transitions of many accounts", () => {
      it("moves every account as read, with one audit record each, and counts them", async () => {
        const ids = Array.from({ length: 60 }, (_, i) => i + 1);
        await store.accounts.upsertImported(
          ids.map((n) => importedAccount(n)),
          T0,
        );
        const read = await Promise.all(ids.map((n) => store.accounts.get(idOf(n))));
        const moved = await store.accounts.transitionMany(read, "Queued", request({ actor: "scheduler" }));
        expect(moved.map((account) => account?.status)).toEqual(ids.map(() => "Queued"));
        for (const account of moved) {
          if (!account) throw new Error("every account should have moved");
          expect(await store.accounts.get(account.id)).toEqual(account);
          expect((await store.accounts.history(account.id)).map((record) => record.to)).toEqual(["Queued"]);
        }
        const counts = await store.counters.waveCounts("w1");
        expect(counts.byStatus).toMatchObject({ Pending: 0, Queued: ids.length });
        const page = await store.accounts.listByStatus("w1", "Queued", { limit: 100 });
        expect(page.items).toHaveLength(ids.length);
      });

      it("leaves out an account someone changed after it was read, and moves the rest", async () => {
        await store.accounts.upsertImported(
          [1, 2, 3].map((n) => importedAccount(n)),
          T0,
        );
        const read = await Promise.all([1, 2, 3].map((n) => store.accounts.get(idOf(n))));
        const changed = read[1];
        if (!changed) throw new Error("three accounts were imported");
        await store.accounts.transition(changed.id, changed.etag, "Skipped", request({ actor: "operator" }));
        const moved = await store.accounts.transitionMany(read, "Queued", request({ actor: "scheduler" }));
        expect(moved.map((account) => account?.status)).toEqual(["Queued", undefined, "Queued"]);
        expect((await store.accounts.get(changed.id)).status).toBe("Skipped");
        const counts = await store.counters.waveCounts("w1");
        expect(counts.byStatus).toMatchObject({ Pending: 0, Queued: 2, Skipped: 1 });
      });
    });

    describe("progress", () => {
      it("records progress and checkpoint with a status change in one step", async () => {
        let account = await imported(1);
        account = await store.accounts.transition(account.id, account.etag, "Queued", request());
        account = await store.accounts.transition(account.id, account.etag, "Syncing", request());
        const synced = await store.accounts.transition(
          account.id,
          account.etag,
          "Synced",
          request({ update: { progress: { items: 7, bytes: 7_000 }, checkpoint: "pass-1" } }),
        );
        expect(synced).toMatchObject({ status: "Synced", checkpoint: "pass-1" });
        expect(synced.progress).toMatchObject({ items: 7, bytes: 7_000 });
        expect(await store.accounts.get(account.id)).toEqual(synced);
        const counts = await store.counters.waveCounts("w1");
        expect(counts).toMatchObject({ items: 7, bytes: 7_000 });
        expect(counts.byStatus).toMatchObject({ Synced: 1, Syncing: 0 });
      });

      it("answers a peek with the account as it was last seen, and a read with the stored one", async () => {
        const account = await imported(1);
        const peeked = await store.accounts.peek(account.id);
        expect(peeked?.status).toBe("Pending");
        expect(await store.accounts.peek(idOf(99))).toBeUndefined();
        const queued = await store.accounts.transition(account.id, account.etag, "Queued", request());
        expect((await store.accounts.peek(account.id))?.etag).toBe(queued.etag);
      });

      it("records checkpoints under the ETag and adds them to the wave totals", async () => {
        let account = await imported(1);
        account = await store.accounts.transition(account.id, account.etag, "Queued", request());
        account = await store.accounts.transition(account.id, account.etag, "Syncing", request());
        const stale = account;
        account = await store.accounts.updateProgress(account.id, account.etag, {
          progress: { folders: 3, items: 120, bytes: 5_000_000_000 },
          slice: 1,
          checkpoint: "folder-2:delta-abc",
          at: at(1),
        });
        expect(account).toMatchObject({ slice: 1, checkpoint: "folder-2:delta-abc", status: "Syncing" });
        expect(account.progress).toEqual({
          folders: 3,
          items: 120,
          bytes: 5_000_000_000,
          badItems: 0,
          largeItemsSkipped: 0,
        });
        await expect(
          store.accounts.updateProgress(stale.id, stale.etag, { slice: 9, at: at(2) }),
        ).rejects.toThrow(ConcurrencyConflictError);
        account = await store.accounts.updateProgress(account.id, account.etag, {
          progress: { items: 200, bytes: 6_000_000_000, badItems: 2 },
          checkpoint: null,
          slice: 2,
          at: at(2),
        });
        expect(account.checkpoint).toBeUndefined();
        const counts = await store.counters.waveCounts("w1");
        expect(counts).toMatchObject({ items: 200, bytes: 6_000_000_000, badItems: 2, folders: 3 });
        expect(await store.accounts.history(account.id)).toHaveLength(2);
      });

      it("keeps pass numbers, the first sync time and per-account cutover times", async () => {
        let account = await imported(2);
        for (const to of ["Queued", "Syncing", "Synced", "Syncing", "Synced"] as const) {
          account = await store.accounts.transition(account.id, account.etag, to, request({ at: at(10) }));
        }
        account = await store.accounts.updateProgress(account.id, account.etag, {
          completeAfter: "2030-01-01T19:00:00Z",
          completeNow: at(20).toISOString(),
          at: at(20),
        });
        const read = await store.accounts.get(account.id);
        expect(read).toMatchObject({
          round: 1,
          syncedAt: at(10).toISOString(),
          completeAfter: "2030-01-01T19:00:00.000Z",
          completeNow: at(20).toISOString(),
        });
        const cleared = await store.accounts.updateProgress(read.id, read.etag, {
          completeNow: null,
          at: at(21),
        });
        expect((await store.accounts.get(cleared.id)).completeNow).toBeUndefined();
        expect((await store.accounts.get(cleared.id)).completeAfter).toBe("2030-01-01T19:00:00.000Z");
      });

      it("keeps the sync statistics with progress and transitions, merged field by field", async () => {
        let account = await imported(3);
        account = await store.accounts.transition(account.id, account.etag, "Queued", request());
        account = await store.accounts.transition(
          account.id,
          account.etag,
          "Syncing",
          request({ update: { stats: { startedAt: at(1).toISOString(), sourceItems: 40 } } }),
        );
        account = await store.accounts.updateProgress(account.id, account.etag, {
          stats: { sourceBytes: 9_000_000_000, waiting: "stalled: StalledDueToTarget_DiskLatency" },
          at: at(2),
        });
        account = await store.accounts.transition(
          account.id,
          account.etag,
          "Synced",
          request({
            update: {
              stats: {
                lastSyncAt: at(3).toISOString(),
                waiting: null,
                score: "Investigate",
                warnings: ["2 bad and 1 large items skipped", "x".repeat(5_000)],
              },
            },
          }),
        );
        const read = await store.accounts.get(account.id);
        expect(read).toEqual(account);
        expect(read.stats).toEqual({
          startedAt: at(1).toISOString(),
          sourceItems: 40,
          sourceBytes: 9_000_000_000,
          lastSyncAt: at(3).toISOString(),
          score: "Investigate",
          warnings: ["2 bad and 1 large items skipped", "x".repeat(300)],
        });
        await expect(
          store.accounts.updateProgress(read.id, read.etag, { stats: { percentComplete: 101 }, at: at(4) }),
        ).rejects.toThrow(ValidationError);
        await expect(
          store.accounts.updateProgress(read.id, read.etag, {
            stats: { lastSyncAt: "yesterday" },
            at: at(4),
          }),
        ).rejects.toThrow(ValidationError);
      });

      it("rejects negative or fractional figures", async () => {
        const account = await imported(1);
        await expect(
          store.accounts.updateProgress(account.id, account.etag, { progress: { items: -1 }, at: T0 }),
        ).rejects.toThrow(ValidationError);
        await expect(
          store.accounts.updateProgress(account.id, account.etag, { slice: 1.5, at: T0 }),
        ).rejects.toThrow(ValidationError);
      });
    });

    describe("listing by status", () => {
      it("lists highest priority first, then longest in the status, page by page", async () => {
        await store.accounts.upsertImported(
          [
            importedAccount(1, { priority: 1 }),
            importedAccount(2, { priority: 5 }),
            importedAccount(3, { priority: 1 }),
          ],
          T0,
        );
        await store.accounts.upsertImported(
          [importedAccount(4, { priority: 5 }), importedAccount(5, { priority: 0 })],
          at(1),
        );
        await store.accounts.upsertImported([importedAccount(6, { priority: 1 })], at(2));
        await store.accounts.upsertImported([importedAccount(7, { priority: 3, waveId: "w2" })], T0);
        const seen: string[] = [];
        let token: string | undefined;
        let pages = 0;
        do {
          const page = await store.accounts.listByStatus("w1", "Pending", {
            limit: 2,
            ...(token ? { continuationToken: token } : {}),
          });
          seen.push(...page.items.map((account) => account.id));
          token = page.continuationToken;
          pages++;
        } while (token !== undefined);
        expect(seen).toEqual([idOf(2), idOf(4), idOf(1), idOf(3), idOf(6), idOf(5)]);
        expect(pages).toBe(3);
      });

      it("moves an account between listings when its status changes", async () => {
        const one = await imported(1);
        await imported(2);
        await store.accounts.transition(one.id, one.etag, "Queued", request({ at: at(3) }));
        expect((await store.accounts.listByStatus("w1", "Pending")).items.map((a) => a.id)).toEqual([
          idOf(2),
        ]);
        const queued = await store.accounts.listByStatus("w1", "Queued");
        expect(queued.items.map((a) => a.id)).toEqual([idOf(1)]);
        expect(queued.items[0]?.etag).toBe((await store.accounts.get(one.id)).etag);
        expect(queued.continuationToken).toBeUndefined();
      });

      it("checks the page size and the continuation token", async () => {
        await imported(1);
        await imported(2);
        await expect(store.accounts.listByStatus("w1", "Pending", { limit: 0 })).rejects.toThrow(
          ValidationError,
        );
        await expect(store.accounts.listByStatus("w1", "Pending", { limit: 1001 })).rejects.toThrow(
          ValidationError,
        );
        const page = await store.accounts.listByStatus("w1", "Pending", { limit: 1 });
        expect(page.continuationToken).toBeDefined();
        await expect(
          store.accounts.listByStatus("w1", "Queued", {
            limit: 1,
            continuationToken: page.continuationToken ?? "",
          }),
        ).rejects.toThrow(ValidationError);
      });

      it("scans every account of a wave in one status, each once, page by page", async () => {
        await store.accounts.upsertImported(
          Array.from({ length: 40 }, (_, n) => importedAccount(n + 1)),
          T0,
        );
        await store.accounts.upsertImported([importedAccount(41, { waveId: "w2" })], T0);
        const moved = await store.accounts.get(idOf(7));
        await store.accounts.transition(moved.id, moved.etag, "Queued", request({ at: at(1) }));
        const seen: Account[] = [];
        let token: string | undefined;
        do {
          const page = await store.accounts.scanByStatus("w1", "Pending", {
            limit: 7,
            ...(token ? { continuationToken: token } : {}),
          });
          expect(page.items.length).toBeLessThanOrEqual(7);
          seen.push(...page.items);
          token = page.continuationToken;
        } while (token !== undefined);
        const expected = Array.from({ length: 40 }, (_, n) => idOf(n + 1)).filter((id) => id !== idOf(7));
        expect(seen.map((account) => account.id).sort()).toEqual([...expected].sort());
        const one = seen.find((account) => account.id === idOf(1));
        expect(one?.etag).toBe((await store.accounts.get(idOf(1))).etag);
        expect((await store.accounts.scanByStatus("w1", "Queued")).items.map((a) => a.id)).toEqual([idOf(7)]);
        expect((await store.accounts.scanByStatus("w2", "Queued")).items).toEqual([]);
      });

      it("checks the scan's page size and continuation token", async () => {
        await imported(1);
        await imported(2);
        await expect(store.accounts.scanByStatus("w1", "Pending", { limit: 1001 })).rejects.toThrow(
          ValidationError,
        );
        const page = await store.accounts.scanByStatus("w1", "Pending", { limit: 1 });
        expect(page.continuationToken).toBeDefined();
        await expect(
          store.accounts.scanByStatus("w1", "Queued", { continuationToken: page.continuationToken ?? "" }),
        ).rejects.toThrow(ValidationError);
        await expect(
          store.accounts.scanByStatus("w1", "Pending", { continuationToken: "not a token" }),
        ).rejects.toThrow(ValidationError);
      });
    });

    describe("waves", () => {
      it("creates, reads and lists waves, refusing duplicates", async () => {
        await expect(store.waves.create(waveRecord({ id: "w1" }))).rejects.toThrow(AlreadyExistsError);
        const wave = await store.waves.get("w2");
        expect(wave).toMatchObject({
          id: "w2",
          status: "Scheduled",
          timeZone: "Europe/London",
          inFlightCap: 2000,
        });
        expect(wave.windows).toEqual(waveRecord().windows);
        expect((await store.waves.list()).map((w) => w.id)).toEqual(["w1", "w2"]);
        await expect(store.waves.get("nope")).rejects.toThrow(NotFoundError);
        expect(await store.waves.find("nope")).toBeUndefined();
      });

      it("changes status along the allowed paths only", async () => {
        const active = await store.waves.updateStatus("w1", "Active", at(1));
        expect(active.status).toBe("Active");
        const paused = await store.waves.updateStatus("w1", "Paused", at(2), active.etag);
        await expect(store.waves.updateStatus("w1", "Paused", at(3))).rejects.toThrow(IllegalTransitionError);
        await expect(store.waves.updateStatus("w1", "Active", at(3), active.etag)).rejects.toThrow(
          ConcurrencyConflictError,
        );
        await store.waves.updateStatus("w1", "Cancelled", at(4), paused.etag);
        await expect(store.waves.updateStatus("w1", "Active", at(5))).rejects.toThrow(/final/);
        expect((await store.waves.get("w1")).updatedAt).toBe(at(4).toISOString());
      });

      it("keeps the pre-staging, archive and finalize settings of a wave", async () => {
        const settings = {
          id: "w3",
          prestage: false,
          incrementalHours: 6,
          cutoverUnsynced: true,
          mirrorDeletions: true,
          archiveAgeMonths: 24,
          completeNow: "2030-01-01T18:00:00.000Z",
          finalize: {
            licenseSkuId: "6fd2c87f-b296-42f0-b197-1e91e994b900",
            notify: { from: "it@contoso.com", subject: "Moved, {displayName}", body: "At {cutoverTime}" },
            announce: true,
          },
        };
        await store.waves.create(waveRecord(settings));
        const { id: _id, ...expected } = settings;
        expect(await store.waves.get("w3")).toMatchObject(expected);
      });

      it("keeps a hybrid wave's engine and settings, and the on-premises GUIDs of its accounts", async () => {
        const hybrid = {
          endpoint: "OnPrem Endpoint",
          targetDeliveryDomain: "contoso.mail.onmicrosoft.com",
          archiveDomain: "contoso.mail.onmicrosoft.com",
          mailboxes: "ArchiveOnly" as const,
          autoApprove: "Investigate" as const,
          retentionDays: 3,
          requireLicence: true,
          maxConcurrentMigrations: 300,
        };
        await store.waves.create(waveRecord({ id: "w4", engine: "hybrid", hybrid }));
        expect(await store.waves.get("w4")).toMatchObject({ engine: "hybrid", hybrid });
        expect((await store.waves.get("w1")).engine).toBe("graph");
        const guids = {
          exchangeGuid: "0f8fad5b-d9cb-469f-a165-70867728950e",
          archiveGuid: "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        };
        const row = importedAccount(90, { waveId: "w4" });
        await store.accounts.upsertImported([{ ...row, source: { ...row.source, ...guids } }], T0);
        expect((await store.accounts.get(accountIdFromUpn(row.source.upn))).source).toMatchObject(guids);
      });

      it("updates settings with validation and an ETag", async () => {
        const wave = await store.waves.get("w1");
        const updated = await store.waves.update("w1", wave.etag, { inFlightCap: 500 }, at(1));
        expect(updated.inFlightCap).toBe(500);
        await expect(store.waves.update("w1", wave.etag, { inFlightCap: 600 }, at(2))).rejects.toThrow(
          ConcurrencyConflictError,
        );
        await expect(store.waves.update("w1", updated.etag, { inFlightCap: 0 }, at(2))).rejects.toThrow(
          ValidationError,
        );
      });
    });

    describe("counters", () => {
      it(`stay exact under ${options.concurrentAccounts * 2} concurrent transitions`, async () => {
        const count = options.concurrentAccounts;
        const rows = Array.from({ length: count }, (_, n) => importedAccount(n));
        await store.accounts.upsertImported(rows, T0);
        // Each account is released and then started; accounts run concurrently with one another.
        await mapLimit(rows, 64, async (_row, n) => {
          let account = await store.accounts.get(idOf(n));
          account = await store.accounts.transition(account.id, account.etag, "Queued", request());
          if (n % 4 === 0) {
            const error = { class: "Transient", code: "x", message: "x" };
            await store.accounts.transition(account.id, account.etag, "Failed", request({ error }));
          } else {
            await store.accounts.transition(account.id, account.etag, "Syncing", request());
          }
        });
        const failed = Math.ceil(count / 4);
        const counts = await store.counters.waveCounts("w1");
        expect(counts.byStatus).toMatchObject({
          Pending: 0,
          Queued: 0,
          Failed: failed,
          Syncing: count - failed,
        });
        expect(counts.accounts).toBe(count);
        const repair = await store.counters.repairCounters("w1");
        expect(repair.drifted).toBe(false);
        expect(repair.after).toEqual(counts);
      });

      it("are repaired by recounting when they drift", async () => {
        await store.accounts.upsertImported(
          [importedAccount(1), importedAccount(2), importedAccount(3, { waveId: "w2" })],
          T0,
        );
        const truth = await store.counters.waveCounts("w1");
        await subject.corruptCounters({
          waveId: "w1",
          byStatus: { Pending: 5, Failed: 1 },
          folders: 0,
          items: 7,
          bytes: 0,
          badItems: 0,
          largeItemsSkipped: 0,
        });
        const drifted = await store.counters.waveCounts("w1");
        expect(drifted.byStatus.Pending).toBe(7);
        const repair = await store.counters.repairCounters("w1");
        expect(repair.drifted).toBe(true);
        expect(repair.before).toEqual(drifted);
        expect(repair.after).toEqual(truth);
        expect(await store.counters.waveCounts("w1")).toEqual(truth);
        expect((await store.counters.repairCounters("w1")).drifted).toBe(false);
        expect((await store.counters.waveCounts("w2")).byStatus.Pending).toBe(1);
      });

      it("are zero for a wave without accounts", async () => {
        const counts = await store.counters.waveCounts("w2");
        expect(counts.accounts).toBe(0);
        expect(Object.values(counts.byStatus).every((value) => value === 0)).toBe(true);
      });
    });
  });
}
