import { describe, expect, it } from "vitest";
import {
  AdminQueueDepths,
  mailRequest,
  noticeLine,
  noticeText,
  parseAlertNotice,
  QueueDepthError,
  webhookBody,
  type AlertNotice,
  type QueueRuntimeReader,
} from "../../../shared/alerts/index.js";

const notice: AlertNotice = {
  source: "mailferry",
  v: 1,
  status: "firing",
  rule: "failure-rate",
  subject: "w1",
  severity: "critical",
  title: "Failure rate of wave w1",
  summary: "7 of 40 finished accounts failed (17.5 %) in the last 15 min; the threshold is 5.0 %",
  value: 0.175,
  at: "2025-03-03T12:10:00.000Z",
  since: "2025-03-03T12:05:00.000Z",
};

describe("notice formats", () => {
  it("posts the notice itself as JSON, which a receiver parses back", () => {
    const body = webhookBody(notice, "json");
    expect(parseAlertNotice(JSON.parse(JSON.stringify(body)))).toEqual(notice);
    expect(parseAlertNotice({ text: "hello" })).toBeUndefined();
  });

  it("posts a text message Teams and Slack incoming webhooks accept", () => {
    const body = webhookBody(notice, "chat");
    expect(Object.keys(body)).toEqual(["text"]);
    expect(body.text).toMatch(/^\[FIRING\] Failure rate of wave w1: 7 of 40 finished accounts failed/);
  });

  it("mails a plain-text notice with what to do", () => {
    const request = mailRequest(notice, "ops@contoso.com") as {
      message: { subject: string; body: { contentType: string; content: string }; toRecipients: unknown[] };
      saveToSentItems: boolean;
    };
    expect(request.message.subject).toBe("mailferry [FIRING] Failure rate of wave w1");
    expect(request.message.body.contentType).toBe("Text");
    expect(request.message.body.content).toBe(noticeText(notice));
    expect(request.message.body.content).toMatch(/retry the accounts/);
    expect(request.message.toRecipients).toEqual([{ emailAddress: { address: "ops@contoso.com" } }]);
    expect(request.saveToSentItems).toBe(false);
    expect(noticeText({ ...notice, status: "resolved" })).not.toMatch(/retry/);
    expect(noticeLine({ ...notice, status: "resolved" })).toMatch(/^\[RESOLVED\]/);
  });
});

describe("administration API depths", () => {
  it("reads the broker's dead-letter count and wraps failures", async () => {
    const reader = {
      getQueueRuntimeProperties: (name: string) =>
        name === "moves"
          ? Promise.resolve({ deadLetterMessageCount: 7 })
          : Promise.reject(new Error("401 claim is empty")),
    } as unknown as QueueRuntimeReader;
    const depths = new AdminQueueDepths(reader);
    expect(await depths.deadLetterDepth("moves")).toBe(7);
    await expect(depths.deadLetterDepth("cutovers")).rejects.toBeInstanceOf(QueueDepthError);
  });
});
