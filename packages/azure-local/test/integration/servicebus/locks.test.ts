import { describe, expect, it } from "vitest";
import { isServiceBusError, type ServiceBusReceivedMessage } from "@azure/service-bus";
import { EMPTY_QUEUE, connect, freshQueue, sleep, useEmulator } from "./harness.js";

const emulatorOf = useEmulator();

function only(messages: ServiceBusReceivedMessage[]): ServiceBusReceivedMessage {
  expect(messages).toHaveLength(1);
  return messages[0] as ServiceBusReceivedMessage;
}

async function failureCode(operation: Promise<unknown>): Promise<string | undefined> {
  try {
    await operation;
    return undefined;
  } catch (error) {
    return isServiceBusError(error) ? error.code : `not a ServiceBusError: ${String(error)}`;
  }
}

describe("locks", () => {
  it("redelivers an unsettled message after the lock duration, and a late complete loses the lock", async () => {
    const queue = freshQueue(emulatorOf(), { lockDurationSeconds: 1 });
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages({ body: "slow", messageId: "slow" });
      const receiver = client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
      const first = only(await receiver.receiveMessages(1));
      const lockedFor = (first.lockedUntilUtc?.getTime() ?? 0) - Date.now();
      expect(lockedFor).toBeGreaterThan(500);
      expect(lockedFor).toBeLessThanOrEqual(1_000);

      const second = only(await receiver.receiveMessages(1, { maxWaitTimeInMs: 5_000 }));
      expect(second.messageId).toBe("slow");
      expect(second.deliveryCount).toBe(1);
      expect(await failureCode(receiver.completeMessage(first))).toBe("MessageLockLost");
      await receiver.completeMessage(second);
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, locked: 0 });
    } finally {
      await client.close();
    }
  });

  it("renewMessageLock keeps the lock past its original expiry", async () => {
    const queue = freshQueue(emulatorOf(), { lockDurationSeconds: 1 });
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages({ body: "kept" });
      const receiver = client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
      const message = only(await receiver.receiveMessages(1));
      const original = message.lockedUntilUtc?.getTime() ?? 0;
      await sleep(600);
      const renewed = await receiver.renewMessageLock(message);
      expect(renewed.getTime()).toBeGreaterThan(original);
      await sleep(Math.max(original - Date.now() + 200, 0));
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, locked: 1 });
      await receiver.completeMessage(message);
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, locked: 0 });
    } finally {
      await client.close();
    }
  });

  it("dead-letters with MaxDeliveryCountExceeded once maxDeliveryCount deliveries failed", async () => {
    const queue = freshQueue(emulatorOf(), { maxDeliveryCount: 3 });
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages({ body: "poison", messageId: "poison" });
      const receiver = client.createReceiver(queue);
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const message = only(await receiver.receiveMessages(1));
        expect(message.deliveryCount).toBe(attempt);
        await receiver.abandonMessage(message);
      }
      expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, locked: 0, deadLetter: 1 });

      const deadLetters = client.createReceiver(queue, { subQueueType: "deadLetter" });
      const dead = only(await deadLetters.receiveMessages(1));
      expect(dead.messageId).toBe("poison");
      expect(dead.deadLetterReason).toBe("MaxDeliveryCountExceeded");
      expect(dead.deadLetterErrorDescription).toContain("3 delivery attempts");
      expect(dead.deliveryCount).toBe(3);
      await deadLetters.completeMessage(dead);
      expect(emulatorOf().queueStats(queue).deadLetter).toBe(0);
    } finally {
      await client.close();
    }
  });

  it("receives, abandons and completes in the dead-letter sub-queue like any queue", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages([{ body: 1 }, { body: 2 }]);
      const receiver = client.createReceiver(queue);
      for (const message of await receiver.receiveMessages(2)) await receiver.deadLetterMessage(message);
      const deadLetters = client.createReceiver(queue, { subQueueType: "deadLetter" });
      const peeked = await deadLetters.peekMessages(10);
      expect(peeked.map((message) => message.body as number)).toEqual([1, 2]);
      const first = only(await deadLetters.receiveMessages(1));
      await deadLetters.abandonMessage(first);
      const both = await deadLetters.receiveMessages(2);
      expect(both.map((message) => message.body as number).sort()).toEqual([1, 2]);
      for (const message of both) await deadLetters.completeMessage(message);
      expect(emulatorOf().queueStats(queue)).toEqual(EMPTY_QUEUE);
    } finally {
      await client.close();
    }
  });
});
