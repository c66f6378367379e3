/** Dead-letter depths counted by peeking, through the real SDK against the Service Bus emulator. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServiceBusClient } from "@azure/service-bus";
import { PeekQueueDepths, QueueDepthError } from "../../../shared/alerts/index.js";
import type { ServiceBusEmulator } from "@mailferry/azure-local/servicebus";
import { connect, freshQueue, receiveAll, startEmulator } from "../servicebus/harness.js";
import { queueDepthsContract } from "../../contract/queue-depths.contract.js";

let emulator: ServiceBusEmulator;
let client: ServiceBusClient;

beforeAll(async () => {
  emulator = await startEmulator();
  client = connect(emulator.connectionString);
});

afterAll(async () => {
  await client.close();
  await emulator.close();
});

/** Sends `count` messages to a fresh queue and dead-letters `deadLettered` of them. */
async function queueWithDeadLetters(count: number, deadLettered: number): Promise<string> {
  const queue = freshQueue(emulator);
  const sender = client.createSender(queue);
  await sender.sendMessages(Array.from({ length: count }, (_, n) => ({ body: { n }, messageId: `m${n}` })));
  await sender.close();
  const receiver = client.createReceiver(queue);
  const received = await receiveAll(receiver, deadLettered);
  for (const message of received)
    await receiver.deadLetterMessage(message, {
      deadLetterReason: "test",
      deadLetterErrorDescription: "dead-lettered by the test",
    });
  await receiver.close();
  return queue;
}

queueDepthsContract("peeking the Service Bus emulator", () =>
  Promise.resolve({
    depths: new PeekQueueDepths(() => connect(emulator.connectionString)),
    queueWith: queueWithDeadLetters,
    missing: "no-such-queue",
  }),
);

describe("peeked dead-letter depths", () => {
  it("counts the dead-letter sub-queue page by page, leaving the messages where they are", async () => {
    const queue = await queueWithDeadLetters(9, 7);
    expect(emulator.queueStats(queue).deadLetter).toBe(7);
    const depths = new PeekQueueDepths(() => connect(emulator.connectionString), 3);
    expect(await depths.deadLetterDepth(queue)).toBe(7);
    // Peeking took nothing: a second count agrees, and the live messages are untouched.
    expect(await depths.deadLetterDepth(queue)).toBe(7);
    expect(emulator.queueStats(queue)).toMatchObject({ deadLetter: 7, active: 2 });
  });

  it("reads zero for a queue without dead letters", async () => {
    const queue = await queueWithDeadLetters(2, 0);
    expect(await new PeekQueueDepths(() => connect(emulator.connectionString)).deadLetterDepth(queue)).toBe(
      0,
    );
  });

  it("reports a queue it cannot read as a QueueDepthError", async () => {
    const depths = new PeekQueueDepths(() => connect(emulator.connectionString));
    await expect(depths.deadLetterDepth("no-such-queue")).rejects.toBeInstanceOf(QueueDepthError);
  });
});
