import { describe, expect, it } from "vitest";
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
