import { describe, expect, it } from "vitest";
import type { ServiceBusReceivedMessage } from "@azure/service-bus";
import { EMPTY_QUEUE, connect, freshQueue, receiveAll, useEmulator } from "./harness.js";

const emulatorOf = useEmulator();

function only(messages: ServiceBusReceivedMessage[]): ServiceBusReceivedMessage {
  expect(messages).toHaveLength(1);
  return messages[0] as ServiceBusReceivedMessage;
}

describe("settlement", () => {
  it("abandon hands the message out again with its delivery count raised by one", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages({ body: "retry me", messageId: "abandoned" });
      const receiver = client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
      const first = only(await receiver.receiveMessages(1));
      expect(first.deliveryCount).toBe(0);
      await receiver.abandonMessage(first, { attempt: 1 });
      const second = only(await receiver.receiveMessages(1));
      expect(second.messageId).toBe("abandoned");
      expect(second.deliveryCount).toBe(1);
      expect(second.sequenceNumber?.toNumber()).toBe(first.sequenceNumber?.toNumber());
      expect(second.lockToken).not.toBe(first.lockToken);
      expect(second.applicationProperties).toEqual({ attempt: 1 });
      await receiver.completeMessage(second);
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, locked: 0 });
    } finally {
      await client.close();
    }
  });

  it("deadLetter moves the message to the dead-letter sub-queue with reason and description", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      await client
        .createSender(queue)
        .sendMessages({ body: { account: 7 }, applicationProperties: { wave: "w1" } });
      const receiver = client.createReceiver(queue);
      const message = only(await receiver.receiveMessages(1));
      await receiver.deadLetterMessage(message, {
        deadLetterReason: "MailboxMissing",
        deadLetterErrorDescription: "no mailbox for account 7",
      });
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, locked: 0, deadLetter: 1 });

      const deadLetters = client.createReceiver(queue, { subQueueType: "deadLetter" });
      const dead = only(await deadLetters.receiveMessages(1));
      expect(dead.body).toEqual({ account: 7 });
      expect(dead.deadLetterReason).toBe("MailboxMissing");
      expect(dead.deadLetterErrorDescription).toBe("no mailbox for account 7");
      expect(dead.applicationProperties).toMatchObject({ wave: "w1", DeadLetterReason: "MailboxMissing" });
      expect(dead.sequenceNumber?.toNumber()).toBe(message.sequenceNumber?.toNumber());
      await deadLetters.completeMessage(dead);
      expect(emulatorOf().queueStats(queue).deadLetter).toBe(0);
    } finally {
      await client.close();
    }
  });

  it("defer keeps the message out of normal receives until receiveDeferredMessages asks by number", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages([{ body: "later" }, { body: "now" }]);
      const receiver = client.createReceiver(queue);
      const deferred = only(await receiver.receiveMessages(1));
      await receiver.deferMessage(deferred);
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 1, deferred: 1, locked: 0 });

      const next = only(await receiver.receiveMessages(1));
      expect(next.body).toBe("now");
      await receiver.completeMessage(next);
      expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 300 })).toEqual([]);

      const sequenceNumber = deferred.sequenceNumber;
      if (!sequenceNumber) throw new Error("deferred message has no sequence number");
      const [again] = await receiver.receiveDeferredMessages([sequenceNumber]);
      expect(again?.body).toBe("later");
      expect(again?.state).toBe("deferred");
      expect(again?.lockedUntilUtc?.getTime()).toBeGreaterThan(Date.now());
      expect(emulatorOf().queueStats(queue)).toMatchObject({ deferred: 0, locked: 1 });
      await receiver.completeMessage(again as ServiceBusReceivedMessage);
      expect(emulatorOf().queueStats(queue)).toEqual(EMPTY_QUEUE);
    } finally {
      await client.close();
    }
  });

  it("settles through $management once the receive link is gone", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages({ body: "x" });
      const receiver = client.createReceiver(queue);
      const [message] = await receiveAll(receiver, 1);
      await receiver.close();
      const other = client.createReceiver(queue);
      await other.deadLetterMessage(message as ServiceBusReceivedMessage, {
        deadLetterReason: "LinkGone",
        deadLetterErrorDescription: "settled by lock token",
      });
      expect(emulatorOf().queueStats(queue)).toMatchObject({ locked: 0, deadLetter: 1 });
    } finally {
      await client.close();
    }
  });
});
