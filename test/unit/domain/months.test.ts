import { describe, expect, it } from "vitest";
import { monthsBefore } from "../../../shared/domain/index.js";

const iso = (ms: number): string => new Date(ms).toISOString();

describe("archive age cutoff", () => {
  it("counts back calendar months, across years, keeping the time of day", () => {
    expect(iso(monthsBefore(Date.UTC(2026, 0, 1), 24))).toBe("2024-01-01T00:00:00.000Z");
    expect(iso(monthsBefore(Date.UTC(2026, 1, 15, 13, 14, 15, 16), 3))).toBe("2025-11-15T13:14:15.016Z");
    expect(iso(monthsBefore(Date.UTC(2025, 6, 10), 0))).toBe("2025-07-10T00:00:00.000Z");
    expect(iso(monthsBefore(Date.UTC(2025, 6, 10), 120))).toBe("2015-07-10T00:00:00.000Z");
  });

  it("clamps to the last day of a shorter month instead of spilling into the next", () => {
    expect(iso(monthsBefore(Date.UTC(2025, 2, 31), 1))).toBe("2025-02-28T00:00:00.000Z");
    expect(iso(monthsBefore(Date.UTC(2024, 2, 31), 1))).toBe("2024-02-29T00:00:00.000Z");
    expect(iso(monthsBefore(Date.UTC(2025, 4, 31), 1))).toBe("2025-04-30T00:00:00.000Z");
    expect(iso(monthsBefore(Date.UTC(2026, 2, 29), 25))).toBe("2024-02-29T00:00:00.000Z");
  });
});
