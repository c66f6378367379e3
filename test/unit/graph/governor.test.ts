import { describe, expect, it } from "vitest";
import {
  MailboxGovernor,
  scaleLimits,
  PUBLISHED_LIMITS,
  type GovernorLimits,
} from "../../../shared/graph/governor.js";

/** A virtual clock whose sleep advances time instantly, so pacing can be checked exactly. */
function virtualTime(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let now = 0;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      await Promise.resolve();
    },
  };
}

const limits: GovernorLimits = {
  maxConcurrent: 4,
  requestsPerWindow: 100,
  requestWindowMs: 1_000,
  uploadBytesPerWindow: 1_000,
  uploadWindowMs: 1_000,
  headroom: 1,
};

describe("MailboxGovernor", () => {
  it("never has more than maxConcurrent requests in flight", async () => {
    const governor = new MailboxGovernor(limits);
    let inFlight = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        governor.run(async () => {
          inFlight += 1;
          peak = Math.max(peak, inFlight);
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight -= 1;
        }),
      ),
    );
    expect(peak).toBe(4);
    expect(governor.snapshot().requests).toBe(20);
  });

  it("keeps any window's requests within the budget", async () => {
    const time = virtualTime();
    const governor = new MailboxGovernor({ ...limits, maxConcurrent: 1 }, time.now, time.sleep);
    const stamps: number[] = [];
    for (let i = 0; i < 350; i += 1) await governor.run(() => Promise.resolve(stamps.push(time.now())));
    for (let i = 0; i < stamps.length; i += 1) {
      const start = stamps[i] ?? 0;
      const inWindow = stamps.filter((t) => t >= start && t < start + limits.requestWindowMs).length;
      expect(inWindow).toBeLessThanOrEqual(limits.requestsPerWindow);
    }
    // And it does not idle: 350 requests at 100 per second need a little over three windows.
    expect(time.now()).toBe(3 * limits.requestWindowMs);
  });

  it("paces upload bytes within their window", async () => {
    const time = virtualTime();
    const governor = new MailboxGovernor({ ...limits, maxConcurrent: 1 }, time.now, time.sleep);
    const sent: { at: number; bytes: number }[] = [];
    for (let i = 0; i < 10; i += 1) {
      await governor.run(() => Promise.resolve(sent.push({ at: time.now(), bytes: 300 })), {
        uploadBytes: 300,
      });
    }
    for (const first of sent) {
      const bytes = sent
        .filter((s) => s.at >= first.at && s.at < first.at + 1_000)
        .reduce((sum, s) => sum + s.bytes, 0);
      expect(bytes).toBeLessThanOrEqual(1_000);
    }
    expect(governor.snapshot().uploadedBytes).toBe(3_000);
  });

  it("sums the time requests spend in flight, failed ones included, not the time they wait", async () => {
    const time = virtualTime();
    const governor = new MailboxGovernor(limits, time.now, time.sleep);
    governor.pauseUntil(1_000);
    await governor.run(() => time.sleep(250));
    await governor
      .run(async () => {
        await time.sleep(100);
        throw new Error("refused");
      })
      .catch(() => undefined);
    expect(time.now()).toBe(1_350);
    expect(governor.snapshot().inFlightMs).toBe(350);
    expect(governor.snapshot().waitedMs).toBe(1_000);
  });

  it("lets Retry-After hold every request until it passes", async () => {
    const time = virtualTime();
    const governor = new MailboxGovernor(limits, time.now, time.sleep);
    governor.pauseUntil(5_000);
    let ranAt = -1;
    await governor.run(() => Promise.resolve((ranAt = time.now())));
    expect(ranAt).toBe(5_000);
    expect(governor.snapshot().retryAfterPauses).toBe(1);
  });

  it("scales windows but not budgets", () => {
    const scaled = scaleLimits(PUBLISHED_LIMITS, 0.01);
    expect(scaled.requestWindowMs).toBe(6_000);
    expect(scaled.uploadWindowMs).toBe(3_000);
    expect(scaled.requestsPerWindow).toBe(PUBLISHED_LIMITS.requestsPerWindow);
  });
});
