import { describe, expect, it } from "vitest";
import { createHarness, type Harness } from "./harness.js";

async function depth(h: Harness, value: number): Promise<string> {
  h.depths.set("moves", value);
  const run = await h.evaluate();
  h.advance(5);
  const evaluation = run.evaluations.find((entry) => entry.rule === "dead-letters");
  return `${evaluation?.status ?? "?"}${evaluation?.notice ? `:${evaluation.notice}` : ""}`;
}

describe("dead-letter growth rule", () => {
  it("fires once per rise: a depth that stays high is one open alert, a fall resolves it", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_MUTE_MINUTES: "10" });
    const seen = [];
    for (const value of [0, 0, 3, 3, 3, 0, 0, 2, 2]) seen.push(await depth(h, value));
    expect(seen).toEqual([
      "ok",
      "ok",
      "firing:firing",
      "firing",
      "firing",
      "resolved:resolved",
      "resolved",
      "firing:firing",
      "firing",
    ]);
    expect(h.channel.sent.map((notice) => [notice.status, notice.value])).toEqual([
      ["firing", 3],
      ["resolved", 0],
      ["firing", 2],
    ]);
    expect(h.channel.sent[0]).toMatchObject({ rule: "dead-letters", subject: "moves" });
    expect(h.channel.sent[0]?.summary).toBe("3 dead-lettered messages (up from 0)");
    expect(h.metrics.depths.get("moves")).toBe(2);
  });

  it("announces a further rise while open, but not within the mute period", async () => {
    const h = await createHarness({ MAILFERRY_ALERT_MUTE_MINUTES: "12" });
    const seen = [];
    // Rises at 0, 5 (muted: 5 min after the notice), 15 (announced) and stays.
    for (const value of [2, 4, 4, 9, 9]) seen.push(await depth(h, value));
    expect(seen).toEqual(["firing:firing", "firing", "firing", "firing:firing", "firing"]);
    expect(h.channel.sent.map((notice) => notice.summary)).toEqual([
      "2 dead-lettered messages (up from 0)",
      "9 dead-lettered messages (up from 4)",
    ]);
  });

  it("resolves when operators replay part of the dead letters, and stays quiet at the lower level", async () => {
    const h = await createHarness();
    const seen = [];
    for (const value of [5, 3, 3]) seen.push(await depth(h, value));
    expect(seen).toEqual(["firing:firing", "resolved:resolved", "resolved"]);
  });

  it("keeps the state of a queue whose depth cannot be measured", async () => {
    const h = await createHarness();
    expect(await depth(h, 4)).toBe("firing:firing");
    h.depths.fail("moves");
    const run = await h.evaluate();
    expect(run.evaluations.filter((entry) => entry.rule === "dead-letters")).toEqual([]);
    expect(h.lines.some((line) => line.includes("dead-letter depth unavailable"))).toBe(true);
    h.depths.set("moves", 4);
    expect(await depth(h, 4)).toBe("firing");
    expect(h.channel.sent).toHaveLength(1);
  });
});
