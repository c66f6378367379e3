import { describe, expect, it } from "vitest";
import { QUEUES, toIsoDuration } from "../../../shared/bus/topology.js";

describe("toIsoDuration", () => {
  it.each([
    [60, "PT1M"],
    [90, "PT1M30S"],
    [3600, "PT1H"],
    [14 * 86400, "P14D"],
    [86400 + 5, "P1DT5S"],
  ])("renders %i seconds as %s", (seconds, iso) => {
    expect(toIsoDuration(seconds)).toBe(iso);
  });

  it("refuses zero and fractions", () => {
    expect(() => toIsoDuration(0)).toThrow(RangeError);
    expect(() => toIsoDuration(1.5)).toThrow(RangeError);
  });
});

describe("topology", () => {
  it("names every queue once", () => {
    const names = QUEUES.map((queue) => queue.name);
    expect(names.length).toBeGreaterThan(0);
    expect(new Set(names).size).toBe(names.length);
  });
});
