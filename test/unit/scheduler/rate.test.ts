import { describe, expect, it } from "vitest";
import { nextReleaseRate, type RateBounds } from "../../../shared/scheduler/rate.js";

const bounds: RateBounds = { min: 10, max: 1_000, step: 50, unhealthyShare: 0.05 };

describe("adaptive release rate", () => {
  it("adds a step while healthy, up to the maximum", () => {
    expect(nextReleaseRate(100, { total: 1_000, unhealthy: 10 }, bounds)).toBe(150);
    expect(nextReleaseRate(990, { total: 1_000, unhealthy: 0 }, bounds)).toBe(1_000);
  });

  it("halves when the unhealthy share passes the threshold, down to the minimum", () => {
    expect(nextReleaseRate(400, { total: 100, unhealthy: 6 }, bounds)).toBe(200);
    expect(nextReleaseRate(15, { total: 100, unhealthy: 50 }, bounds)).toBe(10);
  });

  it("holds the rate when nothing was observed", () => {
    expect(nextReleaseRate(300, { total: 0, unhealthy: 0 }, bounds)).toBe(300);
  });
});
