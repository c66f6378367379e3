import { describe, expect, it } from "vitest";
import { isServiceBusError } from "@azure/service-bus";
import { MAX_MESSAGE_SIZE_BYTES } from "../../../src/servicebus/index.js";
import { EMPTY_QUEUE, connect, freshQueue, receiveAll, useEmulator } from "./harness.js";

const emulatorOf = useEmulator();

describe("scheduling", () => {
  it("keeps a scheduled message invisible until its time, and cancelScheduledMessages drops one", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      const sender = client.createSender(queue);
      const dueAt = new Date(Date.now() + 1_200);
      const [due] = await sender.scheduleMessages({ body: "due", messageId: "due" }, dueAt);
      const [cancelled] = await sender.scheduleMessages({ body: "never" }, new Date(Date.now() + 60_000));
      expect(due?.toNumber()).toBe(1);
      expect(cancelled?.toNumber()).toBe(2);
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, scheduled: 2 });
      if (!cancelled) throw new Error("no sequence number for the scheduled message");
      await sender.cancelScheduledMessages(cancelled);
      expect(emulatorOf().queueStats(queue)).toMatchObject({ scheduled: 1 });

      const receiver = client.createReceiver(queue, { receiveMode: "receiveAndDelete" });
      expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 400 })).toEqual([]);
      const [message] = await receiveAll(receiver, 1);
      expect(Date.now()).toBeGreaterThanOrEqual(dueAt.getTime() - 5);
      expect(message?.messageId).toBe("due");
      expect(message?.scheduledEnqueueTimeUtc?.getTime()).toBe(dueAt.getTime());
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, scheduled: 0 });
    } finally {
      await client.close();
    }
  });

  it("treats a message sent with scheduledEnqueueTimeUtc like a scheduled one", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      await client
        .createSender(queue)
        .sendMessages({ body: "x", scheduledEnqueueTimeUtc: new Date(Date.now() + 60_000) });
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, scheduled: 1 });
    } finally {
      await client.close();
    }
  });
});

describe("scheduled messages as Service Bus hands them out", () => {
  // Azure/azure-sdk-for-js sdk/servicebus/service-bus/test/public/sendAndSchedule.spec.ts: a
  // message scheduled with scheduleMessages is received with state "scheduled" once its time has
  // come, and a message sent without a scheduled time with state "active".
  it("reports a message that waited for its scheduled time as scheduled when received and peeked", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      const sender = client.createSender(queue);
      await sender.scheduleMessages({ body: "was scheduled" }, new Date(Date.now() + 300));
      await sender.sendMessages({ body: "was sent" });
      const receiver = client.createReceiver(queue);
      const received = await receiveAll(receiver, 2);
      expect(Object.fromEntries(received.map((message) => [String(message.body), message.state]))).toEqual({
        "was sent": "active",
        "was scheduled": "scheduled",
      });
      const peeked = await client.createReceiver(queue).peekMessages(2);
      expect(peeked.map((message) => [String(message.body), message.state])).toEqual([
        ["was scheduled", "scheduled"],
        ["was sent", "active"],
      ]);
      const scheduled = received.find((message) => message.body === "was scheduled");
      if (!scheduled) throw new Error("the scheduled message was not received");
      await receiver.deferMessage(scheduled);
      // Peeking goes on from the last peeked message unless told where to start.
      const [deferred] = await receiver.peekMessages(1, { fromSequenceNumber: scheduled.sequenceNumber });
      expect(deferred?.state).toBe("deferred");
    } finally {
      await client.close();
    }
  });

  // Service Bus holds a scheduled message to the entity's message size limit (256 KB on the
  // Standard tier, learn.microsoft.com/azure/service-bus-messaging/service-bus-quotas). The SDK
  // maps the broker's amqp:link:message-size-exceeded to the code MessageSizeExceeded
  // (Azure/azure-sdk-for-js sdk/core/core-amqp/src/errors.ts, sdk/servicebus/service-bus/src/serviceBusError.ts).
  it("refuses to schedule a message above the size limit, and the whole request with it", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      const sender = client.createSender(queue);
      const error: unknown = await sender
        .scheduleMessages(
          [{ body: "fits" }, { body: Buffer.alloc(MAX_MESSAGE_SIZE_BYTES + 1) }],
          new Date(Date.now() + 60_000),
        )
        .then(
          () => undefined,
          (caught: unknown) => caught,
        );
      expect(isServiceBusError(error) && error.code).toBe("MessageSizeExceeded");
      expect(emulatorOf().queueStats(queue)).toEqual(EMPTY_QUEUE);
    } finally {
      await client.close();
    }
  });
});

describe("peeking", () => {
  it("shows active, deferred and scheduled messages with their state, and [] when empty", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      const receiver = client.createReceiver(queue);
      expect(await receiver.peekMessages(5)).toEqual([]);

      const sender = client.createSender(queue);
      await sender.sendMessages([{ body: "to defer" }, { body: "active" }]);
      const [toDefer] = await receiver.receiveMessages(1);
      if (!toDefer) throw new Error("nothing received");
      await receiver.deferMessage(toDefer);
      await sender.scheduleMessages({ body: "scheduled" }, new Date(Date.now() + 60_000));

      const peeked = await client.createReceiver(queue).peekMessages(10);
      expect(
        peeked.map((message) => [message.body as unknown, message.state, message.sequenceNumber?.toNumber()]),
      ).toEqual([
        ["to defer", "deferred", 1],
        ["active", "active", 2],
        ["scheduled", "scheduled", 3],
      ]);
      expect(peeked[2]?.scheduledEnqueueTimeUtc).toBeInstanceOf(Date);
      // Peeking neither locks nor removes anything.
      expect(emulatorOf().queueStats(queue)).toEqual({
        active: 1,
        scheduled: 1,
        deferred: 1,
        locked: 0,
        deadLetter: 0,
      });
      const fromTwo = await client
        .createReceiver(queue)
        .peekMessages(1, { fromSequenceNumber: peeked[1]?.sequenceNumber });
      expect(fromTwo.map((message) => message.body as string)).toEqual(["active"]);
    } finally {
      await client.close();
    }
  });
});

describe("duplicate detection and time to live", () => {
  it("accepts a second message with the same MessageId inside the window but never delivers it", async () => {
    const queue = freshQueue(emulatorOf(), { duplicateDetectionWindowSeconds: 600 });
    const client = connect(emulatorOf().connectionString);
    try {
      const sender = client.createSender(queue);
      await sender.sendMessages({ body: "first", messageId: "account-1:attempt-1" });
      await sender.sendMessages({ body: "second", messageId: "account-1:attempt-1" });
      const batch = await sender.createMessageBatch();
      batch.tryAddMessage({ body: "third", messageId: "account-1:attempt-1" });
      batch.tryAddMessage({ body: "other", messageId: "account-2:attempt-1" });
      await sender.sendMessages(batch);
      const received = await receiveAll(client.createReceiver(queue, { receiveMode: "receiveAndDelete" }), 2);
      expect(received.map((message) => message.body as string)).toEqual(["first", "other"]);
      expect(emulatorOf().queueStats(queue).active).toBe(0);
    } finally {
      await client.close();
    }
  });

  it("dead-letters an expired message where the queue says so, and never delivers it", async () => {
    const queue = freshQueue(emulatorOf(), { deadLetteringOnMessageExpiration: true });
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages({ body: "stale", messageId: "stale", timeToLive: 300 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      const receiver = client.createReceiver(queue);
      expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
      const [dead] = await receiveAll(client.createReceiver(queue, { subQueueType: "deadLetter" }), 1);
      expect(dead?.messageId).toBe("stale");
      expect(dead?.deadLetterReason).toBe("TTLExpiredException");
    } finally {
      await client.close();
    }
  });

  it("drops an expired message where the queue does not dead-letter on expiry, using the queue's default TTL", async () => {
    const queue = freshQueue(emulatorOf(), {
      deadLetteringOnMessageExpiration: false,
      defaultMessageTtlSeconds: 1,
    });
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages({ body: "short-lived" });
      expect(emulatorOf().queueStats(queue).active).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      expect(emulatorOf().queueStats(queue)).toEqual(EMPTY_QUEUE);
      expect(await client.createReceiver(queue).receiveMessages(1, { maxWaitTimeInMs: 200 })).toEqual([]);
    } finally {
      await client.close();
    }
  });
});
