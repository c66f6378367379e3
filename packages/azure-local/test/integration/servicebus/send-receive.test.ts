import { describe, expect, it } from "vitest";
import { isServiceBusError, type ServiceBusReceivedMessage } from "@azure/service-bus";
import { MAX_MESSAGE_SIZE_BYTES } from "../../../src/servicebus/index.js";
import { EMPTY_QUEUE, connect, freshQueue, receiveAll, until, useEmulator } from "./harness.js";

const emulatorOf = useEmulator();

describe("sending", () => {
  it("accepts single messages, arrays and createMessageBatch batches, in order", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      const sender = client.createSender(queue);
      await sender.sendMessages({
        body: { n: 1 },
        messageId: "m1",
        applicationProperties: { kind: "single" },
      });
      await sender.sendMessages([{ body: { n: 2 } }, { body: { n: 3 } }]);
      const batch = await sender.createMessageBatch();
      expect(batch.maxSizeInBytes).toBe(MAX_MESSAGE_SIZE_BYTES);
      for (let n = 4; n <= 53; n += 1)
        expect(batch.tryAddMessage({ body: { n }, contentType: "application/json" })).toBe(true);
      await sender.sendMessages(batch);
      expect(emulatorOf().queueStats(queue).active).toBe(53);

      const receiver = client.createReceiver(queue, { receiveMode: "receiveAndDelete" });
      const received = await receiveAll(receiver, 53);
      expect(received.map((message) => (message.body as { n: number }).n)).toEqual(
        Array.from({ length: 53 }, (_, index) => index + 1),
      );
      const first = received[0] as ServiceBusReceivedMessage;
      expect(first.messageId).toBe("m1");
      expect(first.applicationProperties).toEqual({ kind: "single" });
      expect(first.sequenceNumber?.toNumber()).toBe(1);
      expect(first.enqueuedTimeUtc).toBeInstanceOf(Date);
      expect(received[10]?.contentType).toBe("application/json");
      expect(emulatorOf().queueStats(queue)).toEqual(EMPTY_QUEUE);
    } finally {
      await client.close();
    }
  });

  it("refuses a message above the announced size limit", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      const sender = client.createSender(queue);
      const error: unknown = await sender
        .sendMessages({ body: Buffer.alloc(MAX_MESSAGE_SIZE_BYTES + 1) })
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(isServiceBusError(error) && error.code).toBe("MessageSizeExceeded");
      expect(emulatorOf().queueStats(queue).active).toBe(0);
    } finally {
      await client.close();
    }
  });
});

describe("receiving", () => {
  it("peek-locks with receiveMessages and hands the message out again only after it is settled", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages([{ body: "a" }, { body: "b" }]);
      const receiver = client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
      const [message] = await receiver.receiveMessages(1);
      expect(message?.body).toBe("a");
      expect(message?.deliveryCount).toBe(0);
      expect(message?.lockToken).toMatch(/^[0-9a-f-]{36}$/);
      expect(message?.lockedUntilUtc?.getTime()).toBeGreaterThan(Date.now() + 25_000);
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 1, locked: 1 });
      await receiver.completeMessage(message as ServiceBusReceivedMessage);
      const rest = await receiveAll(receiver, 1);
      expect(rest.map((m) => m.body as unknown)).toEqual(["b"]);
      await receiver.completeMessage(rest[0] as ServiceBusReceivedMessage);
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, locked: 0 });
    } finally {
      await client.close();
    }
  });

  it("streams with subscribe and completes each message after the handler returns", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      const bodies: string[] = [];
      const receiver = client.createReceiver(queue);
      const subscription = receiver.subscribe(
        {
          processMessage: async (message) => {
            bodies.push(String(message.body));
            await Promise.resolve();
          },
          processError: async (args) => {
            bodies.push(`error: ${args.error.message}`);
            await Promise.resolve();
          },
        },
        { maxConcurrentCalls: 4 },
      );
      await client.createSender(queue).sendMessages(["a", "b", "c", "d", "e", "f"].map((body) => ({ body })));
      await until(() => bodies.length >= 6, "six messages");
      await until(() => emulatorOf().queueStats(queue).locked === 0, "completions");
      await subscription.close();
      expect([...bodies].sort()).toEqual(["a", "b", "c", "d", "e", "f"]);
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, locked: 0 });
    } finally {
      await client.close();
    }
  });

  it("removes messages as it hands them out in receiveAndDelete mode", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages([{ body: 1 }, { body: 2 }, { body: 3 }]);
      const receiver = client.createReceiver(queue, { receiveMode: "receiveAndDelete" });
      const received = await receiveAll(receiver, 3);
      expect(received.map((message) => message.body as number)).toEqual([1, 2, 3]);
      expect(received[0]?.lockToken).toBeUndefined();
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, locked: 0 });
    } finally {
      await client.close();
    }
  });
});
