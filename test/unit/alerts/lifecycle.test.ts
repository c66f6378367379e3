import { describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./harness.js";

/** Makes the next evaluations of wave w1 bad (1) or good (0) by what the window holds. */
async function failing(h: Harness, bad: boolean): Promise<void> {
  // A five-minute window and five-minute steps: each evaluation sees only its own outcomes.
  await h.outcomes("failed", bad ? 10 : 0, "w1", 0);
  await h.outcomes("completed", bad ? 10 : 30, "w1", 0);
}

async function step(h: Harness, bad: boolean): Promise<string | undefined> {
  await failing(h, bad);
  h.advance(1);
  const run = await h.evaluate();
  h.advance(4);
  const evaluation = run.evaluations.find((entry) => entry.rule === "failure-rate");
  return `${evaluation?.status ?? "?"}${evaluation?.notice ? `:${evaluation.notice}` : ""}`;
}

describe("rule lifecycle", () => {
  it("goes ok → firing → resolved, announcing both, and keeps the state in the store", async () => {
    const h = await createHarness({
      MAILFERRY_ALERT_WINDOW_MINUTES: "5",
      MAILFERRY_ALERT_MUTE_MINUTES: "60",
    });
    await h.activeWave();
    const seen = [];
    for (const bad of [true, true, true, false, false]) seen.push(await step(h, bad));
    expect(seen).toEqual(["ok", "firing:firing", "firing", "firing", "resolved:resolved"]);
    expect(h.channel.sent.map((notice) => notice.status)).toEqual(["firing", "resolved"]);
    const [fired, resolved] = h.channel.sent;
    // The resolve names when the firing began, and the evaluation that saw it clear.
    expect(resolved?.since).toBe(fired?.since);
    expect(resolved?.summary).toMatch(/0 of 30 accounts that finished a step failed/);
    const stored = (await h.states.list()).find((state) => state.rule === "failure-rate");
    expect(stored).toMatchObject({ status: "resolved", recent: [true, false, false], announced: true });
  });

  it("mutes a flapping rule: no second firing notice, and no resolve for a silent firing", async () => {
    const h = await createHarness({
      MAILFERRY_ALERT_WINDOW_MINUTES: "5",
      MAILFERRY_ALERT_MUTE_MINUTES: "60",
    });
    await h.activeWave();
    const seen = [];
    // Fires at 10 min, resolves at 25, fires again at 40 (inside the hour) and resolves at 55.
    for (const bad of [true, true, false, false, true, true, false, false]) seen.push(await step(h, bad));
    expect(seen).toEqual([
      "ok",
      "firing:firing",
      "firing",
      "resolved:resolved",
      "resolved",
      "firing",
      "firing",
      "resolved",
    ]);
    expect(h.channel.sent.map((notice) => notice.status)).toEqual(["firing", "resolved"]);

    // After the mute period the same rule is announced again.
    for (let n = 0; n < 6; n += 1) await step(h, false);
    const again = [];
    for (const bad of [true, true, false, false]) again.push(await step(h, bad));
    expect(again).toEqual(["resolved", "firing:firing", "firing", "resolved:resolved"]);
    expect(h.channel.sent.map((notice) => notice.status)).toEqual([
      "firing",
      "resolved",
      "firing",
      "resolved",
    ]);
  });

  it("keeps watching a wave that left Active while its rule fires, until it resolves", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_WINDOW_MINUTES: "5" });
    await h.activeWave();
    await step(h, true);
    expect(await step(h, true)).toBe("firing:firing");
    await h.store.waves.updateStatus("w1", "Completed", h.now());
    // No more outcomes: the sample falls below the minimum and the rule clears.
    h.advance(5);
    await h.evaluate();
    h.advance(5);
    const run = await h.evaluate();
    expect(run.evaluations.find((entry) => entry.rule === "failure-rate")).toMatchObject({
      status: "resolved",
      notice: "resolved",
    });
    h.advance(5);
    const later = await h.evaluate();
    expect(later.evaluations.filter((entry) => entry.subject === "w1")).toEqual([]);
  });
});
