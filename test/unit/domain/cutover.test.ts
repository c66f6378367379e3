import { describe, expect, it } from "vitest";
import {
  CutoverQueue,
  cutoverDecision,
  incrementalDue,
  mayStartInitialCopy,
  openWindow,
  passOf,
  WEEKDAYS,
} from "../../../shared/domain/index.js";
import { waveRecord } from "../../factories/index.js";

// Windows open every evening at 19:00 UTC for twelve hours.
const wave = waveRecord({
  timeZone: "UTC",
  windows: [{ days: [...WEEKDAYS], start: "19:00", end: "07:00", capacity: 10 }],
});
const evening = new Date("2030-03-05T20:00:00Z");
const afternoon = new Date("2030-03-05T15:00:00Z");
const window = openWindow(wave, evening);

describe("cutover policy", () => {
  it("has a window at 20:00 and none at 15:00 (the fixtures below rely on it)", () => {
    expect(window?.start.toISOString()).toBe("2030-03-05T19:00:00.000Z");
    expect(openWindow(wave, afternoon)).toBeUndefined();
  });

  it("cuts over a pre-staged account inside a window only", () => {
    const account = { syncedAt: "2030-03-04T10:00:00.000Z" };
    expect(cutoverDecision(account, wave, window, evening)).toEqual({ ready: true, forced: false });
    expect(cutoverDecision(account, wave, undefined, afternoon)).toEqual({
      ready: false,
      reason: "no cutover window is open",
    });
  });

  it("keeps an account whose copy finished after the window opened for the next window, unless the wave allows it", () => {
    const late = { syncedAt: "2030-03-05T19:30:00.000Z" };
    const decision = cutoverDecision(late, wave, window, evening);
    expect(decision.ready).toBe(false);
    expect(decision.ready ? "" : decision.reason).toMatch(/next window/);
    expect(cutoverDecision(late, { ...wave, cutoverUnsynced: true }, window, evening).ready).toBe(true);
  });

  it("honours complete-after, the account's over the wave's, and complete-now without a window", () => {
    const account = { syncedAt: "2030-03-01T10:00:00.000Z" };
    const later = { ...wave, completeAfter: "2030-03-05T21:00:00.000Z" };
    expect(cutoverDecision(account, later, window, evening).ready).toBe(false);
    expect(
      cutoverDecision({ ...account, completeAfter: "2030-03-05T19:30:00.000Z" }, later, window, evening)
        .ready,
    ).toBe(true);
    expect(
      cutoverDecision({ ...account, completeNow: "2030-03-05T14:00:00.000Z" }, wave, undefined, afternoon),
    ).toEqual({ ready: true, forced: true });
    // An account told to wait is not swept along by a wave-wide "complete now".
    expect(
      cutoverDecision(
        { ...account, completeAfter: "2030-03-05T22:00:00.000Z" },
        { ...wave, completeNow: "2030-03-05T14:00:00.000Z" },
        window,
        evening,
      ).ready,
    ).toBe(false);
    // A complete-now set for a later moment is not yet in force.
    expect(
      cutoverDecision({ ...account, completeNow: "2030-03-05T16:00:00.000Z" }, wave, undefined, afternoon)
        .ready,
    ).toBe(false);
  });

  it("makes a synced account due for an incremental pass once the interval has passed", () => {
    const since = { statusSince: "2030-03-04T15:00:00.000Z" };
    expect(incrementalDue(since, { incrementalHours: 24 }, afternoon)).toBe(true);
    expect(incrementalDue(since, { incrementalHours: 25 }, afternoon)).toBe(false);
    expect(incrementalDue(since, { incrementalHours: 0 }, afternoon)).toBe(false);
  });

  it("pre-stages outside windows only when the wave says so, and names passes by status and round", () => {
    expect(mayStartInitialCopy({ prestage: true }, undefined)).toBe(true);
    expect(mayStartInitialCopy({ prestage: false }, undefined)).toBe(false);
    expect(mayStartInitialCopy({ prestage: false }, window)).toBe(true);
    expect(passOf({ status: "Queued", round: 0 })).toBe("initial");
    expect(passOf({ status: "Syncing", round: 2 })).toBe("incremental");
    expect(passOf({ status: "Completing", round: 3 })).toBe("cutover");
  });

  it("hands out the window's remaining cutovers in order; complete-now takes none of them", () => {
    const queue = new CutoverQueue(wave, window, evening, 1);
    const synced = { syncedAt: "2030-03-04T10:00:00.000Z" };
    expect(queue.consider(synced)).toEqual({ take: true, forced: false });
    expect(queue.consider({ ...synced, completeNow: "2030-03-05T19:30:00.000Z" })).toEqual({
      take: true,
      forced: true,
    });
    expect(queue.consider(synced)).toEqual({ take: false, reason: "window capacity used" });
    expect(queue.consider({ syncedAt: "2030-03-05T19:30:00.000Z" }).take).toBe(false);
  });
});
