import { describe, expect, it } from "vitest";
import { AlertStateConflictError, type RuleState } from "../../../shared/alerts/index.js";
import { createHarness, RecordingChannel } from "./harness.js";

describe("notification delivery", () => {
  it("a failing channel neither stops the evaluation nor the other channels", async () => {
    const h = await createHarness();
    const webhook = new RecordingChannel("webhook");
    webhook.failing = true;
    const mail = new RecordingChannel("mail");
    h.depths.set("moves", 2);
    const run = await h.evaluate([webhook, mail]);
    expect(run.notices).toHaveLength(1);
    expect(run.delivery).toEqual({
      delivered: 1,
      failed: [{ channel: "webhook", rule: "dead-letters", subject: "moves", error: "webhook is down" }],
    });
    expect(mail.sent).toHaveLength(1);
    // The state was stored before delivery, so the next evaluation does not announce it again.
    expect((await h.states.list()).map((state) => state.status)).toEqual(["firing"]);
    const failure = h.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((line) => line.msg === "alert notification failed");
    expect(failure).toMatchObject({ level: "error", channel: "webhook", rule: "dead-letters" });
    webhook.failing = false;
    h.advance(5);
    const next = await h.evaluate([webhook, mail]);
    expect(next.notices).toEqual([]);
  });

  it("leaves a rule another evaluation just updated to that evaluation", async () => {
    const h = await createHarness();
    h.depths.set("moves", 2);
    await h.evaluate();
    const store = h.states;
    const original = store.put.bind(store);
    // Another instance writes between this evaluation's read and its write.
    store.put = async (state: RuleState): Promise<RuleState> => {
      store.put = original;
      await original({ ...state, summary: "written by the other evaluation" });
      return original(state);
    };
    h.depths.set("moves", 0);
    h.advance(5);
    const run = await h.evaluate();
    expect(run.notices).toEqual([]);
    expect(run.evaluations.filter((entry) => entry.rule === "dead-letters")).toEqual([]);
    expect(h.lines.some((line) => line.includes("another evaluation updated the rule first"))).toBe(true);
    expect(new AlertStateConflictError("k").name).toBe("AlertStateConflictError");
  });

  it("fails the run when states cannot be stored, after delivering what was stored", async () => {
    const h = await createHarness();
    await h.activeWave();
    h.depths.set("moves", 3);
    const store = h.states;
    const original = store.put.bind(store);
    store.put = (state: RuleState): Promise<RuleState> =>
      state.rule === "throttling" ? Promise.reject(new Error("table unavailable")) : original(state);
    await expect(h.evaluate()).rejects.toThrow(/1 alert states could not be stored/);
    expect(h.channel.sent.map((notice) => notice.rule)).toEqual(["dead-letters"]);
  });
});
