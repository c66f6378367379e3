import { describe, expect, it } from "vitest";
import { createHarness } from "./harness.js";

const failureRate = (run: Awaited<ReturnType<Awaited<ReturnType<typeof createHarness>>["evaluate"]>>) =>
  run.evaluations.find((evaluation) => evaluation.rule === "failure-rate");

describe("failure-rate rule", () => {
  it("fires once the rate passes the threshold for two evaluations, and not at the threshold", async () => {
    const h = await createHarness();
    await h.activeWave();
    // Exactly 5 %: 1 of 20. The rule wants more than the threshold.
    await h.outcomes("failed", 1);
    await h.outcomes("completed", 19);
    expect(failureRate(await h.evaluate())?.breached).toBe(false);
    h.advance(1);
    expect(failureRate(await h.evaluate())?.breached).toBe(false);
    expect(h.channel.sent).toEqual([]);

    // One more failure among 21: 9.5 %, above the threshold.
    await h.outcomes("failed", 1);
    h.advance(1);
    const first = failureRate(await h.evaluate());
    expect(first).toMatchObject({ breached: true, status: "ok" });
    h.advance(1);
    const second = failureRate(await h.evaluate());
    expect(second).toMatchObject({ breached: true, status: "firing", notice: "firing" });
    expect(h.channel.sent).toHaveLength(1);
    expect(h.channel.sent[0]).toMatchObject({
      source: "mailferry",
      status: "firing",
      rule: "failure-rate",
      subject: "w1",
      severity: "critical",
    });
    expect(h.channel.sent[0]?.summary).toMatch(/2 of 21 accounts that finished a step failed \(9\.5 %\)/);
    expect(h.metrics.failureRates.get("w1")).toBeCloseTo(2 / 21);
  });

  it("never fires below the minimum sample, however bad the rate", async () => {
    const h = await createHarness();
    await h.activeWave();
    await h.outcomes("failed", 19);
    for (let run = 0; run < 4; run += 1) {
      const evaluation = failureRate(await h.evaluate());
      expect(evaluation).toMatchObject({ breached: false, status: "ok", value: 1 });
      h.advance(1);
    }
    expect(h.channel.sent).toEqual([]);
    // The custom metric is not published either: Azure Monitor would alert on it.
    expect(h.metrics.failureRates.has("w1")).toBe(false);
    await h.outcomes("failed", 1);
    await h.evaluate();
    h.advance(1);
    expect(failureRate(await h.evaluate())).toMatchObject({ status: "firing", notice: "firing" });
  });

  it("does not fire on one bad evaluation between good ones", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_WINDOW_MINUTES: "5" });
    await h.activeWave();
    await h.outcomes("completed", 30);
    expect(failureRate(await h.evaluate())?.breached).toBe(false);
    // A burst of failures that the sliding window has forgotten five minutes later.
    await h.outcomes("failed", 10, "w1", 0);
    h.advance(4);
    expect(failureRate(await h.evaluate())?.breached).toBe(true);
    h.advance(5);
    await h.outcomes("completed", 25);
    expect(failureRate(await h.evaluate())?.breached).toBe(false);
    h.advance(5);
    await h.outcomes("completed", 25);
    expect(failureRate(await h.evaluate())).toMatchObject({ breached: false, status: "ok" });
    expect(h.channel.sent).toEqual([]);
  });

  it("fires on two bad evaluations out of three, even with a good one between", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_WINDOW_MINUTES: "5" });
    await h.activeWave();
    await h.outcomes("failed", 10, "w1", 0);
    await h.outcomes("completed", 10, "w1", 0);
    expect(failureRate(await h.evaluate())?.breached).toBe(true);
    h.advance(6);
    await h.outcomes("completed", 30);
    expect(failureRate(await h.evaluate())).toMatchObject({ breached: false, status: "ok" });
    h.advance(6);
    await h.outcomes("failed", 10);
    await h.outcomes("completed", 10);
    expect(failureRate(await h.evaluate())).toMatchObject({ breached: true, status: "firing" });
    expect(h.channel.sent.map((notice) => notice.status)).toEqual(["firing"]);
  });

  it("keeps each wave to its own rate", async () => {
    const h = await createHarness();
    await h.activeWave("w1");
    await h.activeWave("w2");
    await h.outcomes("failed", 20, "w1");
    await h.outcomes("completed", 20, "w2");
    await h.evaluate();
    h.advance(5);
    const run = await h.evaluate();
    const rates = run.evaluations.filter((evaluation) => evaluation.rule === "failure-rate");
    expect(rates.map((evaluation) => [evaluation.subject, evaluation.status])).toEqual([
      ["w1", "firing"],
      ["w2", "ok"],
    ]);
  });
});
