/**
 * Planted GUID problems in a hybrid wave: pre-flight fails each account with its own class and the
 * fix, before any move exists; once the administrator has fixed the attributes and Entra Connect
 * synchronised them, a retry by class moves them like the others.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dailyWindow } from "../../local/demo/hybrid.js";
import { retryFailed } from "../../shared/admin/retry.js";
import { services } from "../../functions/services.js";
import {
  type HybridStack,
  startHybridStack,
  startHybridWave,
  waitForSettled,
  waitForStatuses,
} from "./hybrid-support.js";

const WAVE = "guids";

describe("planted GUID problems", () => {
  let hybrid: HybridStack;

  beforeAll(async () => {
    hybrid = await startHybridStack({
      organisation: {
        mailboxes: 12,
        seed: 11,
        archiveRate: 0.5,
        guidMismatchRate: 2 / 12,
        missingMailUserRate: 2 / 12,
        archiveGuidMissingRate: 0.5,
      },
    });
  }, 60_000);

  afterAll(async () => {
    await hybrid.stack.close();
  });

  it(
    "fail with their classes and fixes, then move after a fix and a retry",
    { timeout: 180_000 },
    async () => {
      const { store, exchange } = hybrid;
      const planted = exchange.inventory().filter((account) => account.planted !== undefined);
      const kinds = new Set(planted.map((account) => account.planted));
      expect(kinds).toEqual(new Set(["ExchangeGuidMismatch", "MailUserNotFound", "ArchiveGuidMissing"]));
      const total = await startHybridWave(
        hybrid,
        { waveId: WAVE, windows: [dailyWindow("00:00", "24:00", 100)], settings: { cutoverUnsynced: true } },
        new Date(),
      );
      await waitForStatuses(store, WAVE, ["Failed", "Completed", "CompletedWithWarnings"], total);
      const failed = (await store.accounts.listByStatus(WAVE, "Failed", { limit: 100 })).items;
      expect(failed.map((account) => account.source.upn).sort()).toEqual(
        planted.map((account) => account.upn).sort(),
      );
      for (const account of failed) {
        const expected = planted.find((entry) => entry.upn === account.source.upn)?.planted;
        expect(account.lastError?.class).toBe(expected);
        expect(account.lastError?.message).toMatch(/synchronise .* with Entra Connect.*, then retry$/);
        // Pre-flight refused before anything was made in Exchange.
        expect(exchange.counters().moveCreations[account.target.upn]).toBeUndefined();
      }

      for (const account of planted) exchange.fixRecipient(account.upn);
      const ports = await services();
      for (const failureClass of kinds) {
        const retried = await retryFailed(
          ports,
          { waveId: WAVE, failureClass: failureClass ?? "" },
          { actor: "e2e-operator", via: "cli" },
        );
        expect(retried.retried.length).toBeGreaterThan(0);
      }
      await waitForSettled(store, WAVE, total);
      const counts = await store.counters.waveCounts(WAVE);
      expect(counts.byStatus.Completed + counts.byStatus.CompletedWithWarnings).toBe(total);
      for (const account of exchange.inventory()) {
        expect(exchange.inspect(account.upn, "PrimaryAndArchive").problems, account.upn).toEqual([]);
        expect(exchange.counters().moveCreations[account.upn]).toBe(1);
      }
      const retried = await store.accounts.get(failed[0]?.id ?? "");
      expect(retried.attempt).toBe(2);
      const history = await store.accounts.history(retried.id);
      expect(history.map((record) => record.to)).toEqual([
        "Queued",
        "Failed",
        "Queued",
        "Syncing",
        "Synced",
        "Completing",
        retried.status,
      ]);
    },
  );
});
