import { describe, expect, it } from "vitest";
import { projectEta, type EtaInput } from "../../../shared/admin/eta.js";
import { openWindow, WEEKDAYS } from "../../../shared/domain/index.js";

// Monday noon UTC; windows every evening 19:00–07:00.
const NOW = new Date("2025-03-03T12:00:00.000Z");
const EVENINGS = {
  timeZone: "UTC",
  windows: [{ days: [...WEEKDAYS], start: "19:00", end: "07:00", capacity: 100 }],
};

function input(overrides: Partial<EtaInput>): EtaInput {
  return {
    schedule: EVENINGS,
    now: NOW,
    toCopy: 0,
    copiedPerHour: 0,
    readyNow: 0,
    readyNext: 0,
    completing: 0,
    completeNow: false,
    cutoverUnsynced: false,
    ...overrides,
  };
}

describe("the ETA projection", () => {
  it("waits for the copies when they finish after the window opens and the wave cuts unsynced accounts over", () => {
    const evening = new Date("2025-03-03T20:00:00.000Z");
    const open = openWindow(EVENINGS, evening);
    if (open === undefined) throw new Error("the evening window should be open");
    const projection = projectEta(
      input({
        now: evening,
        toCopy: 10,
        copiedPerHour: 5,
        open: { occurrence: open, capacityLeft: 100 },
        cutoverUnsynced: true,
      }),
    );
    // Two hours of copying, cut over in the same window as they finish.
    expect(projection).toMatchObject({
      wave: "2025-03-03T22:00:00.000Z",
      copiesDone: "2025-03-03T22:00:00.000Z",
    });
  });

  it("cuts over at once after an operator's complete now, windows or not", () => {
    expect(projectEta(input({ toCopy: 6, copiedPerHour: 3, completeNow: true })).wave).toBe(
      "2025-03-03T14:00:00.000Z",
    );
  });

  it("says why there is no ETA: no pace, no window, or nothing left but running cutovers", () => {
    expect(projectEta(input({ toCopy: 5 }))).toMatchObject({
      wave: null,
      why: "no account finished copying in the last hour",
    });
    expect(projectEta(input({ schedule: { timeZone: "UTC", windows: [] }, readyNow: 3 })).why).toMatch(
      /no cutover window/,
    );
    expect(projectEta(input({ completing: 2 }))).toMatchObject({
      wave: null,
      why: "the last cutovers are running",
    });
    expect(projectEta(input({})).wave).toBe(NOW.toISOString());
  });
});
