import { afterAll, beforeAll, describe, expect, it } from "vitest";
import rhea, { type Connection, type EventContext, type Receiver } from "rhea";
import { createSasToken } from "../../../src/servicebus/auth/sas.js";
import { startServiceBusEmulator, type ServiceBusEmulator } from "../../../src/servicebus/index.js";
import { connect, freshQueue, recordingLogger, until } from "./harness.js";

const KEY = { name: "DrainTester", key: "drain-test-key" };

let emulator: ServiceBusEmulator;
const emulatorLog: string[] = [];
beforeAll(async () => {
  emulator = await startServiceBusEmulator({
    queues: [],
    sasKeyName: KEY.name,
    sasKey: KEY.key,
    logger: recordingLogger(emulatorLog),
  });
});
afterAll(async () => {
  await emulator.close();
});

/** Resolves with the first `event` of `link`; rejects if it has not come within `limitMs`. */
function next(link: Receiver, event: string, what: string, limitMs = 5_000): Promise<EventContext> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${what} within ${limitMs} ms`)), limitMs);
    link.once(event, (context: EventContext) => {
      clearTimeout(timer);
      resolve(context);
    });
  });
}

/** A plain AMQP connection that has put a token for `queue` on `$cbs`, as the SDK does. */
async function authorizedConnection(queue: string): Promise<Connection> {
  const container = rhea.create_container();
  container.on("error", () => undefined);
  const connection = container.connect({ host: "127.0.0.1", port: emulator.port, reconnect: false });
  const replies = connection.open_receiver({ name: "cbs-replies", source: { address: "$cbs" } });
  const requests = connection.open_sender("$cbs");
  await next(replies, "receiver_open", "reply link");
  const audience = `sb://localhost:${emulator.port}/${queue}`;
  const answered = next(replies, "message", "put-token answer");
  requests.send({
    message_id: "put-token-1",
    reply_to: "cbs-replies",
    application_properties: {
      operation: "put-token",
      type: "servicebus.windows.net:sastoken",
      name: audience,
    },
    body: createSasToken(audience, KEY, Date.now() + 3_600_000),
  });
  const answer = (await answered).message;
  expect(answer?.application_properties?.["status-code"]).toBe(202);
  return connection;
}

/** rhea's receiver keeps its flow state in fields its typings leave out. */
function flowState(receiver: Receiver): { credit: number; deliveryCount: number } {
  const link: object = receiver;
  if (
    !("credit" in link && "delivery_count" in link) ||
    typeof link.credit !== "number" ||
    typeof link.delivery_count !== "number"
  ) {
    throw new Error("rhea receiver has no flow state");
  }
  return { credit: link.credit, deliveryCount: link.delivery_count };
}

async function sendBodies(queue: string, bodies: string[]): Promise<void> {
  const client = connect(emulator.connectionString);
  try {
    await client.createSender(queue).sendMessages(bodies.map((body) => ({ body })));
  } finally {
    await client.close();
  }
}

// AMQP 1.0 (OASIS), part 2.6.7 "Flow Control": a sender asked to drain sends what it can, then
// advances its delivery-count over the credit left and flows back with drain set and no credit.
// The SDK waits for that answer after every receiveMessages whose credit is not used up
// (BatchingReceiverLite in Azure/azure-sdk-for-js sdk/servicebus/service-bus/src/core/batchingReceiver.ts),
// and closes the link when it does not come within its drain timeout.
describe("draining a receive link", () => {
  it("answers a drain that arrives after the last credit was spent", async () => {
    const queue = freshQueue(emulator);
    await sendBodies(queue, ["only"]);
    const connection = await authorizedConnection(queue);
    try {
      const receiver = connection.open_receiver({
        source: { address: queue },
        credit_window: 0,
        autoaccept: false,
      });
      await next(receiver, "receiver_open", "receive link");
      const delivered = next(receiver, "message", "delivery");
      receiver.add_credit(1);
      const { delivery } = await delivered;
      expect(flowState(receiver)).toEqual({ credit: 0, deliveryCount: 1 });

      // Both sides now agree no credit is left: what the broker sees when the client's wait ended
      // while this delivery was still on the wire.
      const drained = next(receiver, "receiver_drained", "answer to the drain");
      receiver.drain_credit();
      await drained;
      expect(flowState(receiver)).toEqual({ credit: 0, deliveryCount: 1 });
      expect(receiver.is_open()).toBe(true);

      delivery?.accept();
      await until(() => emulator.queueStats(queue).locked === 0, "the completion");
      expect(emulator.queueStats(queue).active).toBe(0);
    } finally {
      connection.close();
    }
  });

  it("delivers what is available, then answers the drain with the rest of the credit used up", async () => {
    const queue = freshQueue(emulator);
    const connection = await authorizedConnection(queue);
    try {
      const receiver = connection.open_receiver({
        source: { address: queue },
        credit_window: 0,
        autoaccept: false,
      });
      await next(receiver, "receiver_open", "receive link");
      receiver.add_credit(3);
      let deliveries = 0;
      receiver.on("message", () => (deliveries += 1));
      await sendBodies(queue, ["first", "second"]);
      const drained = next(receiver, "receiver_drained", "answer to the drain");
      receiver.drain_credit();
      await drained;
      expect(deliveries).toBe(2);
      // Three credits granted, two deliveries: the answer advances the count over the third.
      expect(flowState(receiver)).toEqual({ credit: 0, deliveryCount: 3 });
    } finally {
      connection.close();
    }
  });

  it("keeps the SDK's link when a receiveMessages wait ends with the delivery still on its way", async () => {
    const queue = freshQueue(emulator);
    const client = connect(emulator.connectionString);
    try {
      const receiver = client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
      // Attach the link first: an empty receive whose drain finds its credit unspent.
      expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 50 })).toEqual([]);
      const attached = (): number => linkEvents(queue, "receive link attached");
      expect(attached()).toBe(1);

      // Due after the receive below has granted its credit, and before its wait ends.
      const dueAt = Date.now() + 150;
      await client.createSender(queue).scheduleMessages({ body: "in flight" }, new Date(dueAt));
      const waitMs = 400;
      const receiving = receiver.receiveMessages(1, { maxWaitTimeInMs: waitMs });
      // Let the receive grant its credit and start its wait, then hold the event loop until both the
      // message's activation and the wait are due. The timers then run in one turn: the emulator
      // delivers the message (the transfer is written, not yet read) and the SDK's wait ends and
      // drains a credit the emulator has already spent.
      await new Promise((resolve) => setImmediate(resolve));
      const holdUntil = Math.max(dueAt, Date.now() + waitMs) + 50;
      while (Date.now() < holdUntil) {
        // Busy on purpose: nothing else may run until both timers are due.
      }
      const received = await receiving;
      expect(received.map((message) => message.body as unknown)).toEqual(["in flight"]);
      await receiver.completeMessage(received[0] as (typeof received)[number]);
      expect(await receiver.receiveMessages(1, { maxWaitTimeInMs: 50 })).toEqual([]);
      // The SDK closes a link whose drain went unanswered and attaches a new one for the next receive.
      expect(linkEvents(queue, "receive link detached")).toBe(0);
      expect(attached()).toBe(1);
    } finally {
      await client.close();
    }
  });
});

/** How many times the emulator logged `message` for a receive link on `queue`. */
function linkEvents(queue: string, message: string): number {
  return emulatorLog.filter(
    (line) => line.includes(`"msg":"${message}"`) && line.includes(`"entity":"${queue}"`),
  ).length;
}
