import { describe, expect, it } from "vitest";
import {
  accountStatistics,
  copyVerdict,
  mergeStatistics,
  ZERO_PROGRESS,
  type AccountRecord,
} from "../../../shared/domain/index.js";
import { ValidationError } from "../../../shared/errors.js";

const NOW = new Date("2026-03-02T12:00:00.000Z");

function record(
  overrides: Partial<AccountRecord> = {},
): Pick<AccountRecord, "status" | "progress" | "syncedAt" | "stats" | "statusSince"> {
  return {
    status: "Syncing",
    progress: ZERO_PROGRESS,
    statusSince: "2026-03-02T10:00:00.000Z",
    ...overrides,
  };
}

describe("copyVerdict (Exchange's published meaning of the four grades)", () => {
  it("is Perfect with nothing skipped", () => {
    expect(copyVerdict({ badItems: 0, largeItems: 0, sourceItems: 500 })).toBe("Perfect");
  });

  it("is Investigate for a few lost items, whether failed or too large", () => {
    expect(copyVerdict({ badItems: 1, largeItems: 0, sourceItems: 500 })).toBe("Investigate");
    expect(copyVerdict({ badItems: 0, largeItems: 2, sourceItems: 500 })).toBe("Investigate");
  });

  it("is Poor over the wave's bad-item limit or over 1 % of the source's items", () => {
    expect(copyVerdict({ badItems: 6, largeItems: 0, sourceItems: 10_000, badItemLimit: 5 })).toBe("Poor");
    expect(copyVerdict({ badItems: 3, largeItems: 3, sourceItems: 500, badItemLimit: 50 })).toBe("Poor");
    expect(copyVerdict({ badItems: 5, largeItems: 0, sourceItems: 500, badItemLimit: 50 })).toBe(
      "Investigate",
    );
  });

  it("never says Good: the copy engine loses whole items or nothing", () => {
    for (let bad = 0; bad < 30; bad += 1)
      expect(copyVerdict({ badItems: bad, largeItems: bad % 3, sourceItems: 1000 })).not.toBe("Good");
  });
});

describe("accountStatistics", () => {
  it("derives the percentage from items of the source's total while copying, below 100 until synced", () => {
    const copying = accountStatistics(
      record({ progress: { ...ZERO_PROGRESS, items: 30 }, stats: { sourceItems: 120 } }),
      NOW,
    );
    expect(copying.percentComplete).toBe(25);
    const almost = accountStatistics(
      record({ progress: { ...ZERO_PROGRESS, items: 120 }, stats: { sourceItems: 120 } }),
      NOW,
    );
    expect(almost.percentComplete).toBe(99);
    const synced = accountStatistics(
      record({
        status: "Synced",
        syncedAt: "2026-03-02T11:00:00.000Z",
        progress: { ...ZERO_PROGRESS, items: 118 },
      }),
      NOW,
    );
    expect(synced.percentComplete).toBe(100);
  });

  it("takes Exchange's PercentComplete and score for a hybrid move", () => {
    const stats = accountStatistics(
      record({
        progress: { ...ZERO_PROGRESS, items: 10, badItems: 4 },
        stats: { percentComplete: 42, score: "Good" },
      }),
      NOW,
    );
    expect(stats).toMatchObject({ percentComplete: 42, consistency: "Good", consistencySource: "exchange" });
  });

  it("derives the copy engine's verdict once something was copied, and none before", () => {
    expect(accountStatistics(record(), NOW).consistency).toBeUndefined();
    const copied = accountStatistics(
      record({ progress: { ...ZERO_PROGRESS, items: 900, badItems: 2 }, stats: { sourceItems: 1000 } }),
      NOW,
      { badItemLimit: 1 },
    );
    expect(copied).toMatchObject({ consistency: "Poor", consistencySource: "derived", badItems: 2 });
  });

  it("measures the duration to now while running and to the end once final", () => {
    const running = accountStatistics(record({ stats: { startedAt: "2026-03-02T11:30:00.000Z" } }), NOW);
    expect(running.durationMs).toBe(30 * 60_000);
    const done = accountStatistics(
      record({
        status: "Completed",
        statusSince: "2026-03-02T11:45:00.000Z",
        stats: { startedAt: "2026-03-02T11:30:00.000Z" },
      }),
      NOW,
    );
    expect(done).toMatchObject({ durationMs: 15 * 60_000, percentComplete: 100 });
  });

  it("says stalled only while the account is not final", () => {
    const stats = {
      stalledSince: "2026-03-02T11:00:00.000Z",
      waiting: "stalled: StalledDueToTarget_MdbAvailability",
    };
    expect(accountStatistics(record({ stats }), NOW)).toMatchObject({
      stalled: true,
      waiting: stats.waiting,
    });
    expect(accountStatistics(record({ status: "Failed", stats }), NOW).stalled).toBe(false);
  });
});

describe("mergeStatistics", () => {
  it("sets, keeps and clears fields, and bounds the warnings", () => {
    const merged = mergeStatistics(
      { sourceItems: 5, waiting: "queued" },
      { waiting: null, warnings: Array.from({ length: 20 }, (_, i) => `w${i}`) },
    );
    expect(merged).toEqual({ sourceItems: 5, warnings: Array.from({ length: 10 }, (_, i) => `w${i}`) });
    expect(mergeStatistics({ waiting: "x" }, { waiting: null })).toBeUndefined();
  });

  it("refuses a figure or time that is not one, naming the field", () => {
    expect(() => mergeStatistics(undefined, { sourceItems: -1 })).toThrow(ValidationError);
    expect(() => mergeStatistics(undefined, { finishedAt: "soon" })).toThrow(/stats.finishedAt/);
  });
});
