/**
 * The tenant's concurrent-request limit and archive-only moves. Exchange Online refuses a tenant's
 * requests beyond a few at once; the adapter keeps this process's requests within the limit it is
 * given, so a whole wave runs without one refusal. An archive-only wave moves each user's archive
 * to Exchange Online and leaves the primary mailbox on premises.
 */
import { afterEach, describe, expect, it } from "vitest";
import { dailyWindow } from "../../local/demo/hybrid.js";
import { type HybridStack, startHybridStack, startHybridWave, waitForSettled } from "./hybrid-support.js";

describe("hybrid limits and choices", () => {
  let hybrid: HybridStack | undefined;

  afterEach(async () => {
    await hybrid?.stack.close();
    hybrid = undefined;
  });

  it(
    "keeps within the tenant's concurrent-request limit for a whole wave",
    { timeout: 180_000 },
    async () => {
      hybrid = await startHybridStack(
        {
          organisation: { mailboxes: 16, seed: 8, archiveRate: 0.2 },
          faults: { concurrentRequestsPerTenant: 2, latencyMs: 30 },
        },
        { settings: { EXCHANGE_MAX_CONCURRENT_REQUESTS: "2" } },
      );
      const { store, exchange } = hybrid;
      const total = await startHybridWave(
        hybrid,
        {
          waveId: "limited",
          windows: [dailyWindow("00:00", "24:00", 100)],
          settings: { cutoverUnsynced: true },
        },
        new Date(),
      );
      await waitForSettled(store, "limited", total, 150_000);
      const counters = exchange.counters();
      expect(counters.maxInFlight).toBe(2);
      expect(counters.concurrencyRefused).toBe(0);
      const counts = await store.counters.waveCounts("limited");
      expect(counts.byStatus.Completed + counts.byStatus.CompletedWithWarnings).toBe(total);
      for (const account of exchange.inventory())
        expect(exchange.inspect(account.upn, "PrimaryAndArchive").problems).toEqual([]);
    },
  );

  it("moves only the archives of an archive-only wave", { timeout: 180_000 }, async () => {
    hybrid = await startHybridStack({ organisation: { mailboxes: 6, seed: 9, archiveRate: 1 } });
    const { store, exchange } = hybrid;
    const total = await startHybridWave(
      hybrid,
      {
        waveId: "archives",
        windows: [dailyWindow("00:00", "24:00", 100)],
        hybrid: { mailboxes: "ArchiveOnly", archiveDomain: exchange.targetDeliveryDomain },
        settings: { cutoverUnsynced: true },
      },
      new Date(),
    );
    await waitForSettled(store, "archives", total);
    for (const account of exchange.inventory()) {
      const inspection = exchange.inspect(account.upn, "ArchiveOnly");
      expect(inspection.problems, account.upn).toEqual([]);
      expect(inspection.primaryIn).toBe("onprem");
      expect(inspection.archiveIn).toBe("cloud");
      expect(inspection.archiveGuidKept).toBe(true);
      expect(inspection.cloud).toBe("MailUser");
    }
  });
});
