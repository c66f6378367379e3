/**
 * A hybrid wave pre-staged and completed in its windows: Exchange syncs every mailbox in the
 * afternoon, completes nothing before the first window, then exactly as many as each window's
 * capacity; every account's history is one audited step per status, and every mailbox is in
 * Exchange Online with its GUIDs kept and only a remote mailbox left on premises.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readHybridCheckpoint } from "../../shared/mover/hybrid/checkpoint.js";
import type { WaveWindow } from "../../shared/domain/index.js";
import { WEEKDAYS } from "../../shared/domain/index.js";
import {
  type HybridStack,
  startHybridStack,
  startHybridWave,
  waitForSettled,
  waitForStatuses,
} from "./hybrid-support.js";

const WAVE = "evenings";
const START = new Date("2026-03-02T15:00:00Z");
const FIRST = { from: Date.parse("2026-03-02T17:00:00Z"), to: Date.parse("2026-03-02T18:00:00Z") };
const SECOND = { from: Date.parse("2026-03-02T19:00:00Z"), to: Date.parse("2026-03-02T20:00:00Z") };
const windows: WaveWindow[] = [
  { days: [...WEEKDAYS], start: "17:00", end: "18:00", capacity: 12 },
  { days: [...WEEKDAYS], start: "19:00", end: "20:00", capacity: 12 },
];

describe("a hybrid wave pre-staged before its windows", () => {
  let hybrid: HybridStack;

  beforeAll(async () => {
    hybrid = await startHybridStack(
      { organisation: { mailboxes: 16, archiveRate: 0.3, seed: 7 } },
      {
        clock: { factor: 300, start: START },
        settings: {
          MAILFERRY_SCHEDULER_SCHEDULE: "0 * * * * *",
          MAILFERRY_WATCH_SCHEDULE: "30 * * * * *",
          MAILFERRY_SWEEPER_SCHEDULE: "0 */10 * * * *",
          MAILFERRY_LEASE_SECONDS: "3600",
          MAILFERRY_REQUEUE_AFTER_SECONDS: "3600",
          MAILFERRY_HYBRID_PROGRESS_SECONDS: "300",
          MAILFERRY_HYBRID_SYNCED_SECONDS: "300",
        },
      },
    );
  }, 60_000);

  afterAll(async () => {
    await hybrid.stack.close();
  });

  it(
    "syncs everything ahead, then completes each window's capacity in it and no more",
    { timeout: 180_000 },
    async () => {
      const { store, exchange } = hybrid;
      const total = await startHybridWave(hybrid, { waveId: WAVE, windows }, hybrid.stack.clock.now());
      await waitForStatuses(store, WAVE, ["Synced"], total, 120_000);
      expect(hybrid.stack.clock.now().getTime()).toBeLessThan(FIRST.from);
      expect(exchange.usage().completions).toEqual([]);
      const planned = (await store.accounts.listByStatus(WAVE, "Synced", { limit: 100 })).items.map(
        (account) => readHybridCheckpoint(account.checkpoint)?.evening,
      );
      expect(planned.filter((evening) => evening === new Date(FIRST.from).toISOString())).toHaveLength(12);
      expect(planned.filter((evening) => evening === new Date(SECOND.from).toISOString())).toHaveLength(4);

      await waitForSettled(store, WAVE, total, 150_000);
      const completions = exchange.usage().completions;
      expect(completions.filter((at) => at >= FIRST.from && at < FIRST.to)).toHaveLength(12);
      expect(completions.filter((at) => at >= SECOND.from && at < SECOND.to)).toHaveLength(4);
      expect(completions).toHaveLength(total);

      const counts = await store.counters.waveCounts(WAVE);
      expect(counts.byStatus.Completed + counts.byStatus.CompletedWithWarnings).toBe(total);
      for (const account of exchange.inventory()) {
        expect(exchange.inspect(account.upn, "PrimaryAndArchive").problems, account.upn).toEqual([]);
        const history = await store.accounts.history(account.upn);
        expect(history.map((record) => record.to).slice(0, 5)).toEqual([
          "Queued",
          "Syncing",
          "Synced",
          "Completing",
          history[4]?.to,
        ]);
        expect(["Completed", "CompletedWithWarnings"]).toContain(history[4]?.to);
        expect(history).toHaveLength(5);
      }
    },
  );
});
