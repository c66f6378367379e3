import { describe, expect, it } from "vitest";
import { acceleratedClock, systemClock } from "../../../shared/runtime/clock.js";

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("host clocks", () => {
  it("shows wall-clock time, however late it is first read", async () => {
    const clock = acceleratedClock(1);
    await pause(300);
    const before = Date.now();
    const shown = clock.now().getTime();
    expect(shown).toBeGreaterThanOrEqual(before);
    expect(shown - Date.now()).toBeLessThanOrEqual(0);
    expect(Math.abs(systemClock.now().getTime() - Date.now())).toBeLessThan(50);
  });

  it("starts an accelerated clock at its given start on first read and runs it faster", async () => {
    const start = new Date("2026-05-01T12:00:00Z");
    const clock = acceleratedClock(60, start);
    await pause(200);
    const first = clock.now().getTime();
    expect(first - start.getTime()).toBeLessThan(60 * 50);
    await pause(200);
    // 200 ms real is 12 s virtual; allow for coarse timers.
    expect(clock.now().getTime() - first).toBeGreaterThanOrEqual(60 * 150);
  });
});
