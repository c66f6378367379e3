/**
 * Notifications over real transports: the webhook channel against the local receiver, mail through
 * Graph sendMail against the tenant simulator, and a whole evaluation that reaches both.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGraphSimulator, type GraphSimulator } from "@mailferry/azure-local/graph";
import {
  startWebhookReceiver,
  watchAlerts,
  type WatchedAlert,
  type WebhookReceiver,
} from "../../../local/webhook/index.js";
import {
  NotificationError,
  noticeChannels,
  WebhookChannel,
  type AlertNotice,
} from "../../../shared/alerts/index.js";
import { readAlertSettings } from "../../../shared/config/index.js";
import { readGraphSettings } from "../../../shared/config/graph.js";
import { closeGraphTransports } from "../../../shared/graph/client.js";
import { createLogger, silentLogger } from "../../../shared/telemetry/logger.js";
import { createHarness } from "../../unit/alerts/harness.js";

let graph: GraphSimulator;
let receiver: WebhookReceiver;

beforeAll(async () => {
  [graph, receiver] = await Promise.all([
    startGraphSimulator({ mailboxes: 2, itemsPerMailbox: 1, plantTrouble: false, logger: silentLogger }),
    startWebhookReceiver(),
  ]);
});

afterAll(async () => {
  await receiver.close();
  await graph.close();
  await closeGraphTransports();
});

const notice: AlertNotice = {
  source: "mailferry",
  v: 1,
  status: "firing",
  rule: "dead-letters",
  subject: "moves",
  severity: "critical",
  title: "Dead letters in queue moves",
  summary: "3 dead-lettered messages (up from 0)",
  value: 3,
  at: "2025-03-03T12:00:00.000Z",
  since: "2025-03-03T12:00:00.000Z",
};

const fastRetries = { minDelayMs: 10, maxDelayMs: 20 };

describe("webhook channel", () => {
  it("posts the JSON notice, which the receiver hands to watchers", async () => {
    const seen: WatchedAlert[] = [];
    const stop = watchAlerts(receiver, (alert) => seen.push(alert));
    const before = receiver.received().length;
    await new WebhookChannel({ url: receiver.url, format: "json", logger: silentLogger }).send(notice);
    stop();
    expect(
      receiver
        .received()
        .slice(before)
        .map((webhook) => webhook.body),
    ).toEqual([notice]);
    expect(seen).toEqual([
      expect.objectContaining({
        notice,
        line: "[FIRING] Dead letters in queue moves: 3 dead-lettered messages (up from 0)",
      }),
    ]);
  });

  it("retries with backoff until the receiver accepts, logging each failed attempt", async () => {
    const lines: string[] = [];
    const logger = createLogger({ sink: (line) => lines.push(line) });
    const before = receiver.requests().length;
    receiver.failNext(2, 503);
    await new WebhookChannel({ url: receiver.url, format: "chat", logger, ...fastRetries }).send(notice);
    const attempts = receiver.requests().slice(before);
    expect(attempts.map((webhook) => webhook.status)).toEqual([503, 503, 200]);
    expect(attempts[2]?.body).toEqual({
      text: expect.stringMatching(/^\[FIRING\] Dead letters in queue moves/) as unknown,
    });
    expect(lines.filter((line) => line.includes("webhook attempt failed"))).toHaveLength(2);
  });

  it("gives up after its retries, and at once on a client error", async () => {
    const before = receiver.requests().length;
    receiver.failAlways(500);
    const channel = new WebhookChannel({
      url: receiver.url,
      format: "json",
      logger: silentLogger,
      retries: 2,
      ...fastRetries,
    });
    await expect(channel.send(notice)).rejects.toBeInstanceOf(NotificationError);
    expect(receiver.requests().length - before).toBe(3);
    receiver.failAlways(404);
    await expect(channel.send(notice)).rejects.toMatchObject({ status: 404 });
    expect(receiver.requests().length - before).toBe(4);
    receiver.failAlways(undefined);
  });
});

describe("alerts end to end on real channels", () => {
  it("delivers an evaluation's notices to the webhook and the operations mailbox; a dead webhook stops neither", async () => {
    const target = readGraphSettings(graph.settings()).target;
    const env = {
      MAILFERRY_ALERT_WEBHOOK_URL: receiver.url,
      MAILFERRY_OPS_MAIL_ADDRESS: `operations@${graph.target.domain}`,
      MAILFERRY_ALERT_MAIL_FROM: graph.target.serviceUpn,
    };
    const h = await createHarness(env);
    const settings = readAlertSettings(env);
    const channels = noticeChannels(settings, target, h.logger);
    expect(channels.map((channel) => channel.name)).toEqual(["webhook", "mail"]);

    const mailBefore = graph.sentMail().length;
    const hooksBefore = receiver.received().length;
    h.depths.set("moves", 5);
    const run = await h.evaluate(channels);
    expect(run.delivery).toEqual({ delivered: 2, failed: [] });
    expect(
      receiver
        .received()
        .slice(hooksBefore)
        .map((webhook) => (webhook.body as AlertNotice).summary),
    ).toEqual(["5 dead-lettered messages (up from 0)"]);
    const mails = graph.sentMail().slice(mailBefore);
    expect(mails).toEqual([
      expect.objectContaining({
        from: graph.target.serviceUpn,
        to: [`operations@${graph.target.domain}`],
        subject: "mailferry [FIRING] Dead letters in queue moves",
        tenantId: graph.target.tenantId,
      }),
    ]);
    expect(mails[0]?.body).toMatch(/5 dead-lettered messages/);

    // The webhook is down for good: the evaluation still resolves the rule and mails it.
    receiver.failAlways(503);
    const deadWebhook = new WebhookChannel({
      url: receiver.url,
      format: "json",
      logger: h.logger,
      retries: 1,
      ...fastRetries,
    });
    h.depths.set("moves", 0);
    h.advance(5);
    const next = await h.evaluate([deadWebhook, ...channels.slice(1)]);
    receiver.failAlways(undefined);
    expect(next.evaluations.find((entry) => entry.rule === "dead-letters")?.status).toBe("resolved");
    expect(next.delivery.failed.map((failure) => failure.channel)).toEqual(["webhook"]);
    expect(
      graph
        .sentMail()
        .slice(mailBefore)
        .map((mail) => mail.subject),
    ).toEqual([
      "mailferry [FIRING] Dead letters in queue moves",
      "mailferry [RESOLVED] Dead letters in queue moves",
    ]);
  });
});
