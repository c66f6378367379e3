/**
 * The dead-letter sub-queue on the Service Bus emulator, through the real SDK, held to the same
 * contract as the in-memory fake. Each case gets a fresh queue with duplicate detection on.
 */
import { afterAll, beforeAll } from "vitest";
import type { ServiceBusClient } from "@azure/service-bus";
import type { ServiceBusEmulator } from "@mailferry/azure-local/servicebus";
import { ServiceBusDeadLetterQueue } from "../../../shared/bus/deadletter.js";
import { deadLetterQueueContract } from "../../contract/dead-letter-queue.contract.js";
import { freshQueue, sendToDeadLetter } from "../../fixtures/admin/bus.js";
import { connect, receiveAll, startEmulator } from "../servicebus/harness.js";

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

deadLetterQueueContract("Service Bus (emulator)", () => {
  const name = freshQueue(emulator);
  return Promise.resolve({
    queue: new ServiceBusDeadLetterQueue(client, name),
    deadLetter: (messages, reason, description) =>
      sendToDeadLetter(
        client,
        name,
        messages.map((message) => ({ ...message, contentType: "application/json" })),
        reason,
        description,
      ),
    resent: async (count) => {
      const receiver = client.createReceiver(name, {
        receiveMode: "receiveAndDelete",
        skipParsingBodyAsJson: true,
      });
      try {
        return (await receiveAll(receiver, count, 10_000)).map((message) => ({
          messageId: String(message.messageId),
          body: message.body as unknown,
          applicationProperties: message.applicationProperties ?? {},
        }));
      } finally {
        await receiver.close();
      }
    },
  });
});
