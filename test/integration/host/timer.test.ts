import { describe, expect, it } from "vitest";
import type { Timer } from "@azure/functions";
import { LocalHost, parseHostJson } from "../../../local/host/index.js";
import { acceleratedClock } from "../../../shared/runtime/clock.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { fixtureApp, setProbe } from "../../fixtures/apps/probe.js";

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
    setProbe("every-ten-seconds", (timer) => {
      firedAt.push(clock.now());
      timers.push(timer as Timer);
    });
    const host = await LocalHost.start({
      app: fixtureApp("ticking"),
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
    // The handler got the host's payload camel-cased by the app's own library. (Whether a firing
    // was past due depends on how busy the machine was: a millisecond late is seconds here.)
    expect(typeof timers[0]?.isPastDue).toBe("boolean");
    expect(timers[0]?.schedule.adjustForDST).toBe(true);
    expect(host.runs("every-ten-seconds").finished).toBeGreaterThanOrEqual(4);
  });

  it("evaluates schedules in UTC across a daylight-saving change, as Flex Consumption does", async () => {
    // London moves to summer time on 29 March 2026; a UTC schedule does not move with it.
    const clock = acceleratedClock(40_000, new Date("2026-03-28T08:59:50Z"));
    const timers: Timer[] = [];
    setProbe("morning", (timer) => void timers.push(timer as Timer));
    const host = await LocalHost.start({
      app: fixtureApp("morning"),
      env: {},
      hostJson,
      clock,
      logger: silentLogger,
    });
    try {
      await until(() => timers.length >= 2, "two mornings");
    } finally {
      await host.stop();
    }
    expect(timers[0]?.scheduleStatus.next).toBe("2026-03-29T09:00:00.000Z");
    expect(timers[1]?.scheduleStatus.last).toBe("2026-03-28T09:00:00.000Z");
    expect(timers[1]?.scheduleStatus.next).toBe("2026-03-30T09:00:00.000Z");
  });

  it("runs on startup when asked and never overlaps a slow run", async () => {
    const clock = acceleratedClock(50, new Date("2026-05-01T12:00:00Z"));
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    setProbe("slow", async () => {
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await new Promise((resolve) => setTimeout(resolve, 100));
      running -= 1;
      runs += 1;
    });
    const host = await LocalHost.start({
      app: fixtureApp("slow"),
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

  it("refuses a schedule that is not six-field NCRONTAB, and WEBSITE_TIME_ZONE, which Flex ignores", async () => {
    await expect(
      LocalHost.start({ app: fixtureApp("five-fields"), env: {}, hostJson, logger: silentLogger }),
    ).rejects.toThrow(/six fields/);
    await expect(
      LocalHost.start({
        app: fixtureApp("morning"),
        env: { WEBSITE_TIME_ZONE: "GMT Standard Time" },
        hostJson,
        logger: silentLogger,
      }),
    ).rejects.toThrow(/WEBSITE_TIME_ZONE/);
  });
});
