import { describe, expect, it } from "vitest";
import {
  DEFAULT_WINDOWS,
  findOverlap,
  formatWindow,
  nextWindow,
  openWindow,
  parseWindowSpec,
  type WaveWindow,
} from "../../../shared/domain/index.js";

const london = { timeZone: "Europe/London", windows: DEFAULT_WINDOWS };
const iso = (date: Date | undefined): string | undefined => date?.toISOString();

describe("openWindow", () => {
  it("opens a weekday evening at 19:00 local and closes it at 07:00 the next morning", () => {
    // Tuesday 4 March 2025, London on GMT.
    expect(openWindow(london, new Date("2025-03-04T18:59:59Z"))).toBeUndefined();
    const open = openWindow(london, new Date("2025-03-04T19:00:00Z"));
    expect(open?.index).toBe(0);
    expect(iso(open?.start)).toBe("2025-03-04T19:00:00.000Z");
    expect(iso(open?.end)).toBe("2025-03-05T07:00:00.000Z");
    expect(iso(openWindow(london, new Date("2025-03-05T06:59:59Z"))?.start)).toBe("2025-03-04T19:00:00.000Z");
    expect(openWindow(london, new Date("2025-03-05T07:00:00Z"))).toBeUndefined();
  });

  it("keeps the Thursday evening window open into Friday morning", () => {
    const open = openWindow(london, new Date("2025-03-07T03:00:00Z"));
    expect(open?.index).toBe(0);
    expect(iso(open?.end)).toBe("2025-03-07T07:00:00.000Z");
  });

  it("spans the whole weekend, across the spring clock change", () => {
    // Clocks go forward on Sunday 30 March 2025: the window ends at 07:00 BST, 06:00 UTC.
    const open = openWindow(london, new Date("2025-03-29T12:00:00Z"));
    expect(open?.index).toBe(1);
    expect(iso(open?.start)).toBe("2025-03-28T19:00:00.000Z");
    expect(iso(open?.end)).toBe("2025-03-31T06:00:00.000Z");
  });

  it("follows summer time in summer", () => {
    // Monday 2 June 2025, London on BST: 19:00 local is 18:00 UTC.
    expect(iso(openWindow(london, new Date("2025-06-02T18:00:00Z"))?.start)).toBe("2025-06-02T18:00:00.000Z");
    expect(openWindow(london, new Date("2025-06-02T17:59:00Z"))).toBeUndefined();
  });

  it("works in other zones and with 24:00 ends", () => {
    const schedule = {
      timeZone: "America/New_York",
      windows: [{ days: ["Sat", "Sun"], start: "00:00", end: "24:00", capacity: 10 }] satisfies WaveWindow[],
    };
    const open = openWindow(schedule, new Date("2025-03-08T12:00:00Z"));
    expect(iso(open?.start)).toBe("2025-03-08T05:00:00.000Z");
    expect(iso(open?.end)).toBe("2025-03-09T05:00:00.000Z");
    expect(openWindow(schedule, new Date("2025-03-10T12:00:00Z"))).toBeUndefined();
  });
});

describe("nextWindow", () => {
  it("finds the next opening after a closed period", () => {
    const next = nextWindow(london, new Date("2025-03-04T12:00:00Z"));
    expect(iso(next?.start)).toBe("2025-03-04T19:00:00.000Z");
    expect(iso(nextWindow(london, new Date("2025-03-07T12:00:00Z"))?.start)).toBe("2025-03-07T19:00:00.000Z");
  });
});

describe("window notation and overlaps", () => {
  it("reads and writes the CLI notation", () => {
    expect(parseWindowSpec("Mon-Thu 19:00-07:00 22000")).toEqual(DEFAULT_WINDOWS[0]);
    expect(parseWindowSpec("fri 19:00-mon 7:00 x83000")).toEqual(DEFAULT_WINDOWS[1]);
    expect(parseWindowSpec("Sat,Sun 00:00-24:00 5")).toEqual({
      days: ["Sat", "Sun"],
      start: "00:00",
      end: "24:00",
      capacity: 5,
    });
    for (const window of DEFAULT_WINDOWS) expect(parseWindowSpec(formatWindow(window))).toEqual(window);
    expect(parseWindowSpec("Thu-Mon 19:00-07:00 1")).toMatch(/backwards/);
    expect(parseWindowSpec("evenings")).toMatch(/not a window/);
  });

  it("finds overlapping windows, including across the week's end", () => {
    expect(findOverlap(DEFAULT_WINDOWS)).toBeUndefined();
    expect(
      findOverlap([...DEFAULT_WINDOWS, { days: ["Sun"], start: "22:00", end: "23:00", capacity: 1 }]),
    ).toMatch(/windows\[1\] opening Fri overlaps windows\[2\] opening Sun/);
    expect(findOverlap([{ days: ["Mon", "Tue"], start: "08:00", end: "Wed 07:00", capacity: 1 }])).toMatch(
      /its own/,
    );
    expect(
      findOverlap([
        { days: ["Sun"], start: "20:00", end: "Mon 02:00", capacity: 1 },
        { days: ["Mon"], start: "01:00", end: "03:00", capacity: 1 },
      ]),
    ).toBeDefined();
  });
});
