import { describe, expect, it } from "vitest";
import { MailChannel, type AlertNotice, type MailClient } from "../../../shared/alerts/index.js";
import { createLogger } from "../../../shared/telemetry/logger.js";

const notice: AlertNotice = {
  source: "mailferry",
  v: 1,
  status: "firing",
  rule: "stalled-wave",
  subject: "w1",
  severity: "critical",
  title: "Wave w1 has stalled",
  summary: "3 accounts waiting and none progressed in the last 30 min, although a window is open",
  value: 3,
  at: "2025-03-03T12:10:00.000Z",
  since: "2025-03-03T12:10:00.000Z",
};

/** A Graph client whose sendMail answers with the given outcomes in turn (a status, or success). */
function graphAnswering(outcomes: (number | "ok" | "reset")[]): { client: MailClient; calls: () => number } {
  let calls = 0;
  const post = (): Promise<void> => {
    const outcome = outcomes[Math.min(calls, outcomes.length - 1)];
    calls += 1;
    if (outcome === "ok") return Promise.resolve();
    if (outcome === "reset") return Promise.reject(new Error("socket hang up"));
    return Promise.reject(Object.assign(new Error(`answered ${outcome}`), { statusCode: outcome }));
  };
  const client = { api: () => ({ post }) } as unknown as MailClient;
  return { client, calls: () => calls };
}

function channel(client: MailClient, lines: string[]): MailChannel {
  const logger = createLogger({ level: "info", sink: (line) => lines.push(line) });
  return new MailChannel(client, "notices@fabrikam.com", "ops@fabrikam.com", {
    logger,
    minDelayMs: 1,
    maxDelayMs: 2,
  });
}

describe("the alert mail channel", () => {
  it("retries a server error and a lost connection, logging each failed attempt as a warning", async () => {
    const graph = graphAnswering([500, "reset", "ok"]);
    const lines: string[] = [];
    await channel(graph.client, lines).send(notice);
    expect(graph.calls()).toBe(3);
    const attempts = lines.map((line) => JSON.parse(line) as { level: string; msg: string; attempt: number });
    expect(attempts.map((line) => [line.level, line.msg, line.attempt])).toEqual([
      ["warn", "alert mail attempt failed", 1],
      ["warn", "alert mail attempt failed", 2],
    ]);
  });

  it("does not ask again when Graph refuses the request, and gives up after its retries", async () => {
    const refused = graphAnswering([403]);
    await expect(channel(refused.client, []).send(notice)).rejects.toThrow(
      /sendMail as the alert sender failed \(403\)/,
    );
    expect(refused.calls()).toBe(1);
    const down = graphAnswering([500]);
    await expect(channel(down.client, []).send(notice)).rejects.toThrow(/\(500\)/);
    expect(down.calls()).toBe(5);
  });
});
