import { describe, expect, it } from "vitest";
import { isServiceBusError, type ServiceBusReceivedMessage } from "@azure/service-bus";
import { EMPTY_QUEUE, connect, freshQueue, receiveAll, useEmulator } from "./harness.js";

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

function sequenceNumberOf(
  message: ServiceBusReceivedMessage,
): NonNullable<ServiceBusReceivedMessage["sequenceNumber"]> {
  if (!message.sequenceNumber) throw new Error("the message has no sequence number");
  return message.sequenceNumber;
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

// The SDK's own tests against Service Bus: Azure/azure-sdk-for-js
// sdk/servicebus/service-bus/test/public/deferredMessage.spec.ts. A message received (count 0) and
// deferred comes back from receiveDeferredMessages with deliveryCount 1; abandoning or deferring it
// again makes it 2, and dead-lettering it keeps the 1.
describe("deferral counts as a delivery", () => {
  it("raises the delivery count on each deferral and on abandoning a deferred message", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages({ body: "later", messageId: "deferred" });
      const receiver = client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
      const first = only(await receiver.receiveMessages(1));
      expect(first.deliveryCount).toBe(0);
      await receiver.deferMessage(first);

      const sequenceNumber = sequenceNumberOf(first);
      const second = only(await receiver.receiveDeferredMessages(sequenceNumber));
      expect([second.state, second.deliveryCount]).toEqual(["deferred", 1]);
      await receiver.deferMessage(second);
      const third = only(await receiver.receiveDeferredMessages(sequenceNumber));
      expect(third.deliveryCount).toBe(2);
      await receiver.abandonMessage(third);
      // An abandoned deferred message stays deferred.
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, deferred: 1, locked: 0 });
      const fourth = only(await receiver.receiveDeferredMessages(sequenceNumber));
      expect(fourth.deliveryCount).toBe(3);
      await receiver.deadLetterMessage(fourth);

      const dead = only(
        await client.createReceiver(queue, { subQueueType: "deadLetter" }).receiveMessages(1),
      );
      expect([dead.messageId, dead.deliveryCount]).toEqual(["deferred", 3]);
    } finally {
      await client.close();
    }
  });

  // Azure/azure-service-bus issue 375: with maxDeliveryCount 1, deferring a message moves it to the
  // dead-letter queue with MaxDeliveryCountExceeded; the maintainers' answer is that a deferral is
  // a delivery like any other.
  it("dead-letters a message whose deferral reaches maxDeliveryCount", async () => {
    const queue = freshQueue(emulatorOf(), { maxDeliveryCount: 1 });
    const client = connect(emulatorOf().connectionString);
    try {
      await client.createSender(queue).sendMessages({ body: "once", messageId: "deferred-once" });
      const receiver = client.createReceiver(queue);
      await receiver.deferMessage(only(await receiver.receiveMessages(1)));
      expect(emulatorOf().queueStats(queue)).toMatchObject({ deferred: 0, deadLetter: 1 });
      const dead = only(
        await client.createReceiver(queue, { subQueueType: "deadLetter" }).receiveMessages(1),
      );
      expect([dead.messageId, dead.deliveryCount, dead.deadLetterReason]).toEqual([
        "deferred-once",
        1,
        "MaxDeliveryCountExceeded",
      ]);
    } finally {
      await client.close();
    }
  });
});

// The SDK's own tests against Service Bus: Azure/azure-sdk-for-js
// sdk/servicebus/service-bus/test/internal/batchReceiver.spec.ts, "Batch Receiver - Settle
// deadlettered message". Dead-lettering a message received from the dead-letter queue fails with
// the code GeneralError and the message is received from it again with deliveryCount 0;
// abandoning one leaves its deliveryCount at 0.
describe("the dead-letter sub-queue", () => {
  async function deadLettered(queue: string, client: ReturnType<typeof connect>): Promise<void> {
    await client.createSender(queue).sendMessages({ body: "poison", messageId: "poison" });
    const receiver = client.createReceiver(queue);
    await receiver.deadLetterMessage(only(await receiver.receiveMessages(1)), {
      deadLetterReason: "Poison",
      deadLetterErrorDescription: "cannot be processed",
    });
  }

  it("refuses to dead-letter a message that is already dead-lettered, and hands it out again", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      await deadLettered(queue, client);
      const deadLetters = client.createReceiver(queue, {
        subQueueType: "deadLetter",
        maxAutoLockRenewalDurationInMs: 0,
      });
      const dead = only(await deadLetters.receiveMessages(1));
      expect(dead.deliveryCount).toBe(0);
      expect(await failureCode(deadLetters.deadLetterMessage(dead))).toBe("GeneralError");

      const again = only(await deadLetters.receiveMessages(1));
      expect([again.messageId, again.deliveryCount, again.deadLetterReason]).toEqual(["poison", 0, "Poison"]);
      // Settling by lock token through $management is refused alike.
      await deadLetters.close();
      const byLockToken = client.createReceiver(queue, { subQueueType: "deadLetter" });
      expect(await failureCode(byLockToken.deadLetterMessage(again))).toBe("GeneralError");
      expect(emulatorOf().queueStats(queue).deadLetter).toBe(1);
    } finally {
      await client.close();
    }
  });

  it("keeps the delivery count of a dead-lettered message that is abandoned", async () => {
    const queue = freshQueue(emulatorOf());
    const client = connect(emulatorOf().connectionString);
    try {
      await deadLettered(queue, client);
      const deadLetters = client.createReceiver(queue, { subQueueType: "deadLetter" });
      await deadLetters.abandonMessage(only(await deadLetters.receiveMessages(1)));
      await deadLetters.abandonMessage(only(await deadLetters.receiveMessages(1)));
      const again = only(await deadLetters.receiveMessages(1));
      expect([again.messageId, again.deliveryCount]).toEqual(["poison", 0]);
      await deadLetters.completeMessage(again);
      expect(emulatorOf().queueStats(queue)).toEqual(EMPTY_QUEUE);
    } finally {
      await client.close();
    }
  });
});
