import { describe, expect, it } from "vitest";
import { advance, type Observation, type RuleState } from "../../../shared/alerts/index.js";

const observe = (breached: boolean, again = false): Observation => ({
  rule: "failure-rate",
  subject: "w1",
  breached,
  value: breached ? 0.5 : 0,
  summary: breached ? "bad" : "good",
  again,
});

const MINUTE = 60_000;
const MUTE = 30 * MINUTE;

function run(sequence: readonly (boolean | "again")[], hold = { need: 2, of: 3 }): string[] {
  let state: RuleState | undefined;
  const out: string[] = [];
  sequence.forEach((entry, index) => {
    const step = advance(state, observe(entry !== false, entry === "again"), hold, index * 5 * MINUTE, MUTE);
    state = step.next;
    out.push(`${step.next.status}${step.notice ? `:${step.notice}` : ""}`);
  });
  return out;
}

describe("rule state machine", () => {
  it("needs the breach in 2 of the last 3 evaluations", () => {
    expect(run([true, false, false, true, false, false])).toEqual(["ok", "ok", "ok", "ok", "ok", "ok"]);
    expect(run([true, false, true])).toEqual(["ok", "ok", "firing:firing"]);
    expect(run([false, true, true])).toEqual(["ok", "ok", "firing:firing"]);
  });

  it("resolves once the breach no longer holds, and keeps when the firing began", () => {
    let state: RuleState | undefined;
    const times = [0, 5, 10, 15, 20].map((minutes) => minutes * MINUTE);
    const flags = [true, true, false, false, false];
    const notices: (string | undefined)[] = [];
    flags.forEach((flag, index) => {
      const step = advance(state, observe(flag), { need: 2, of: 3 }, times[index] ?? 0, MUTE);
      state = step.next;
      notices.push(step.notice);
    });
    expect(notices).toEqual([undefined, "firing", undefined, "resolved", undefined]);
    expect(state).toMatchObject({ status: "resolved", since: 5 * MINUTE, changedAt: 15 * MINUTE });
  });

  it("announces a worsening firing alert again only outside the mute period", () => {
    // A notice at 0 min; "again" at 5 and 25 min is muted; at 30 min the mute period is over.
    const seen = run([true, "again", true, true, true, "again", "again", true], { need: 1, of: 1 });
    expect(seen).toEqual([
      "firing:firing",
      "firing",
      "firing",
      "firing",
      "firing",
      "firing",
      "firing:firing",
      "firing",
    ]);
  });

  it("carries the stored etag forward so the write stays conditional", () => {
    const previous: RuleState = {
      rule: "failure-rate",
      subject: "w1",
      status: "ok",
      recent: [false],
      value: 0,
      summary: "",
      evaluatedAt: 0,
      changedAt: 0,
      announced: false,
      etag: "v7",
    };
    expect(advance(previous, observe(false), { need: 2, of: 3 }, MINUTE, MUTE).next.etag).toBe("v7");
  });
});
