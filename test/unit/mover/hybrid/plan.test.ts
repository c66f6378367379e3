import { describe, expect, it } from "vitest";
import {
  BATCH_SIZE,
  batchName,
  candidateEvenings,
  eveningOfBatch,
  isWaveBatch,
  planReleases,
} from "../../../../shared/mover/hybrid/plan.js";
import { statusFor, stepsTo } from "../../../../shared/mover/hybrid/status.js";
import { failureHint, resumable } from "../../../../shared/mover/hybrid/failures.js";
import { WEEKDAYS, type WaveWindow } from "../../../../shared/domain/index.js";

const daily = (capacity: number): WaveWindow => ({
  days: [...WEEKDAYS],
  start: "19:00",
  end: "23:00",
  capacity,
});
const wave = (windows: WaveWindow[], extra: { cutoverUnsynced?: boolean; completeAfter?: string } = {}) => ({
  timeZone: "UTC",
  windows,
  cutoverUnsynced: extra.cutoverUnsynced ?? false,
  ...(extra.completeAfter !== undefined ? { completeAfter: extra.completeAfter } : {}),
});

describe("capacity planning of hybrid waves", () => {
  it("fills the earliest evenings up to their capacity, a batch per thousand, the rest far ahead", () => {
    const now = new Date("2026-03-02T09:00:00Z");
    const evenings = candidateEvenings(wave([daily(1500)]), now).slice(0, 2);
    expect(evenings.map((evening) => evening.start.toISOString())).toEqual([
      "2026-03-02T19:00:00.000Z",
      "2026-03-03T19:00:00.000Z",
    ]);
    const rooms = [
      { occurrence: evenings[0] ?? (undefined as never), planned: 900 },
      { occurrence: evenings[1] ?? (undefined as never), planned: 0 },
    ];
    const groups = planReleases("w1", rooms, 2500, 7);
    expect(groups).toEqual([
      { evening: "2026-03-02T19:00:00.000Z", batch: "mf-w1-20260302t1900-000", count: 100 },
      { evening: "2026-03-02T19:00:00.000Z", batch: "mf-w1-20260302t1900-001", count: 500 },
      { evening: "2026-03-03T19:00:00.000Z", batch: "mf-w1-20260303t1900-000", count: 1000 },
      { evening: "2026-03-03T19:00:00.000Z", batch: "mf-w1-20260303t1900-001", count: 500 },
      { batch: "mf-w1-later", count: 400 },
    ]);
    expect(groups.reduce((sum, group) => sum + group.count, 0)).toBe(2500);
    expect(BATCH_SIZE).toBe(1000);
  });

  it("offers the open evening only to waves that cut over late syncs, and none before complete after", () => {
    const during = new Date("2026-03-02T20:00:00Z");
    expect(candidateEvenings(wave([daily(10)]), during)[0]?.start.toISOString()).toBe(
      "2026-03-03T19:00:00.000Z",
    );
    expect(
      candidateEvenings(wave([daily(10)], { cutoverUnsynced: true }), during)[0]?.start.toISOString(),
    ).toBe("2026-03-02T19:00:00.000Z");
    const later = candidateEvenings(wave([daily(10)], { completeAfter: "2026-03-05T00:00:00Z" }), during);
    expect(later[0]?.start.toISOString()).toBe("2026-03-05T19:00:00.000Z");
  });

  it("names batches it can read the evening back from, and knows its own", () => {
    const name = batchName("w1", "2026-03-06T19:00:00.000Z", 2_345);
    expect(name).toBe("mf-w1-20260306t1900-002");
    expect(name.length).toBeLessThanOrEqual(64);
    expect(eveningOfBatch(name)?.toISOString()).toBe("2026-03-06T19:00:00.000Z");
    expect(eveningOfBatch(batchName("w1", undefined, 0))).toBeUndefined();
    expect(isWaveBatch("w1", name)).toBe(true);
    expect(isWaveBatch("w2", name)).toBe(false);
    expect(
      batchName("a-wave-id-of-thirty-two-chars-xx", "2026-03-06T19:00:00.000Z", 0).length,
    ).toBeLessThanOrEqual(64);
  });
});

describe("Exchange states as mailferry statuses", () => {
  it("maps every move state", () => {
    expect(statusFor("Queued")).toBe("Queued");
    expect(statusFor("InProgress")).toBe("Syncing");
    expect(statusFor("AutoSuspended")).toBe("Synced");
    expect(statusFor("Synced")).toBe("Synced");
    expect(statusFor("CompletionInProgress")).toBe("Completing");
    expect(statusFor("Completed")).toBe("Completed");
    expect(statusFor("CompletedWithWarning")).toBe("CompletedWithWarnings");
    expect(statusFor("CompletedWithSkippedItems")).toBe("CompletedWithWarnings");
    expect(statusFor("Failed")).toBe("Failed");
  });

  it("steps along the main path one audited status at a time, never backwards", () => {
    expect(stepsTo("Queued", "Synced")).toEqual(["Syncing", "Synced"]);
    expect(stepsTo("Queued", "Completed")).toEqual(["Syncing", "Synced", "Completing", "Completed"]);
    expect(stepsTo("Synced", "CompletedWithWarnings")).toEqual(["Completing", "CompletedWithWarnings"]);
    expect(stepsTo("Synced", "Syncing")).toEqual([]);
    expect(stepsTo("Syncing", "Failed")).toEqual(["Failed"]);
    expect(stepsTo("Completing", "Completing")).toEqual([]);
  });

  it("resumes transient MRS failures and remakes permanent ones, with a fix for each", () => {
    expect(resumable("CommunicationErrorTransientException")).toBe(true);
    expect(resumable("TooManyMissingItemsPermanentException")).toBe(false);
    expect(failureHint("ExchangeGuidMismatch")).toMatch(
      /synchronise the on-premises ExchangeGuid with Entra Connect, then retry/,
    );
    expect(failureHint("CommunicationErrorTransientException")).toMatch(/resumes the move/);
    expect(failureHint("TargetNotLicensedSomething")).toBeUndefined();
  });
});
