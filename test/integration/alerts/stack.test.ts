/**
 * The alerts function on the embedded stack: its timer runs from app settings, it counts dead
 * letters on the emulator, and its notices reach the stack's webhook receiver and the simulator's
 * mailbox.
 */
import { ServiceBusClient } from "@azure/service-bus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type EmbeddedStack } from "../../../local/stack.js";
import { watchAlerts, type WatchedAlert } from "../../../local/webhook/index.js";
import { CUTOVERS_QUEUE } from "../../../shared/bus/topology.js";
import { silentLogger } from "../../../shared/telemetry/logger.js";

let stack: EmbeddedStack;

beforeAll(async () => {
  stack = await startStack({
    logger: silentLogger,
    stopGraceMs: 2_000,
    graph: { mailboxes: 2, itemsPerMailbox: 1, plantTrouble: false },
    settings: { MAILFERRY_ALERTS_SCHEDULE: "* * * * * *", MAILFERRY_LOG_LEVEL: "off" },
  });
});

afterAll(async () => {
  await stack.close();
});

async function until(condition: () => boolean, what: string, limitMs = 15_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("alerts on the embedded stack", () => {
  it("announces a dead letter on the local webhook and by mail, once", async () => {
    expect(stack.settings.MAILFERRY_ALERT_WEBHOOK_URL).toBe(stack.webhook.url);
    const seen: WatchedAlert[] = [];
    const stop = watchAlerts(stack.webhook, (alert) => seen.push(alert));
    const client = new ServiceBusClient(stack.settings.ServiceBusConnection ?? "");
    try {
      const sender = client.createSender(CUTOVERS_QUEUE.name);
      await sender.sendMessages({ body: { notice: "test" }, messageId: "cutover-1" });
      const receiver = client.createReceiver(CUTOVERS_QUEUE.name);
      const [message] = await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 });
      if (!message) throw new Error("the message did not arrive");
      await receiver.deadLetterMessage(message, {
        deadLetterReason: "test",
        deadLetterErrorDescription: "dead-lettered by the test",
      });
    } finally {
      await client.close();
    }
    await until(() => seen.length > 0, "the dead-letter alert on the webhook");
    await until(() => (stack.graph?.sentMail().length ?? 0) > 0, "the dead-letter alert mail");
    // Two more evaluations, begun after the one that announced, with the depth unchanged announce
    // nothing new (the host never overlaps a timer with itself, and a run delivers before it ends).
    const { started } = stack.host.runs("alerts");
    await stack.host.waitForRuns("alerts", started + 2);
    stop();
    expect(seen.map((alert) => alert.line)).toEqual([
      "[FIRING] Dead letters in queue cutovers: 1 dead-lettered message (up from 0)",
    ]);
    expect(stack.graph?.sentMail().map((mail) => [mail.subject, mail.to])).toEqual([
      [
        "mailferry [FIRING] Dead letters in queue cutovers",
        [`operations@${stack.graph?.target.domain ?? ""}`],
      ],
    ]);
  });
});
