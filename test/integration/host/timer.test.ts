import { describe, expect, it } from "vitest";
import type { Timer } from "@azure/functions";
import { defineTimer } from "../../../functions/definition.js";
import { acceleratedClock, LocalHost, parseHostJson } from "../../../local/host/index.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";

const hostJson = parseHostJson("{}");

async function until(condition: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("timer trigger", () => {
  it("fires on its NCRONTAB schedule on an accelerated clock, never early", async () => {
    const clock = acceleratedClock(120, new Date("2026-05-01T12:00:00Z"));
    const firedAt: Date[] = [];
    const timers: Timer[] = [];
    const host = await LocalHost.start({
      definitions: [
        defineTimer("every-ten-seconds", {
          schedule: "*/10 * * * * *",
          handler: (timer) => {
            firedAt.push(clock.now());
            timers.push(timer);
          },
        }),
      ],
      env: {},
      hostJson,
      clock,
      logger: silentLogger,
    });
    try {
      await until(() => firedAt.length >= 4, "four firings");
    } finally {
      await host.stop();
    }
    const scheduled = timers.slice(0, 3).map((timer) => new Date(timer.scheduleStatus.next));
    for (const instant of scheduled) expect(instant.getUTCSeconds() % 10).toBe(0);
    // Each firing happens at or after the instant the previous one announced as next.
    scheduled.forEach((instant, index) => {
      const fired = firedAt[index + 1];
      expect(fired?.getTime()).toBeGreaterThanOrEqual(instant.getTime());
    });
    expect(timers[0]?.isPastDue).toBe(false);
  });

  it("evaluates the schedule in WEBSITE_TIME_ZONE across a daylight-saving change", async () => {
    // 09:00 in London is 09:00Z before the change on 29 March 2026 and 08:00Z after it.
    const clock = acceleratedClock(40_000, new Date("2026-03-28T08:59:50Z"));
    const timers: Timer[] = [];
    const host = await LocalHost.start({
      definitions: [
        defineTimer("morning", { schedule: "0 0 9 * * *", handler: (timer) => void timers.push(timer) }),
      ],
      env: { WEBSITE_TIME_ZONE: "GMT Standard Time" },
      hostJson,
      clock,
      logger: silentLogger,
    });
    try {
      await until(() => timers.length >= 2, "two mornings");
    } finally {
      await host.stop();
    }
    expect(timers[0]?.scheduleStatus.next).toBe("2026-03-29T08:00:00.000Z");
    expect(timers[1]?.scheduleStatus.last).toBe("2026-03-28T09:00:00.000Z");
    expect(timers[1]?.scheduleStatus.next).toBe("2026-03-30T08:00:00.000Z");
  });

  it("runs on startup when asked and never overlaps a slow run", async () => {
    const clock = acceleratedClock(50, new Date("2026-05-01T12:00:00Z"));
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const host = await LocalHost.start({
      definitions: [
        defineTimer("slow", {
          schedule: "* * * * * *",
          runOnStartup: true,
          handler: async () => {
            running += 1;
            maxRunning = Math.max(maxRunning, running);
            await new Promise((resolve) => setTimeout(resolve, 100));
            running -= 1;
            runs += 1;
          },
        }),
      ],
      env: {},
      hostJson,
      clock,
      logger: silentLogger,
    });
    try {
      await until(() => runs >= 4, "four slow runs");
    } finally {
      await host.stop();
    }
    expect(maxRunning).toBe(1);
  });

  it("refuses a schedule that is not six-field NCRONTAB and an unknown time zone", async () => {
    await expect(
      LocalHost.start({
        definitions: [defineTimer("five", { schedule: "*/5 * * * *", handler: () => undefined })],
        env: {},
        hostJson,
        logger: silentLogger,
      }),
    ).rejects.toThrow(/six fields/);
    await expect(
      LocalHost.start({
        definitions: [defineTimer("tz", { schedule: "0 * * * * *", handler: () => undefined })],
        env: { WEBSITE_TIME_ZONE: "Middle Earth Time" },
        hostJson,
        logger: silentLogger,
      }),
    ).rejects.toThrow(/WEBSITE_TIME_ZONE/);
  });
});
