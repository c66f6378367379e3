/**
 * The `moves` and `cutovers` senders on the Service Bus emulator, through the real SDK, held to
 * the same contracts as their in-memory fakes. Each case gets a fresh queue with the settings of
 * the queue it stands for.
 */
import Long from "long";
import { afterAll, beforeAll } from "vitest";
import type { ServiceBusClient } from "@azure/service-bus";
import type { ServiceBusEmulator } from "@mailferry/azure-local/servicebus";
import { ServiceBusCutoverAnnouncer, type CutoverNotice } from "../../../shared/bus/cutovers.js";
import { parseMoveMessage } from "../../../shared/bus/messages.js";
import { ServiceBusMoveQueue } from "../../../shared/bus/servicebus.js";
import { CUTOVERS_QUEUE, MOVES_QUEUE } from "../../../shared/bus/topology.js";
import { cutoverAnnouncerContract } from "../../contract/cutover-announcer.contract.js";
import { moveQueueContract } from "../../contract/move-queue.contract.js";
import { connect, freshQueue, receiveAll, startEmulator } from "../servicebus/harness.js";

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

/** Receives and removes the next `count` messages' bodies from `queue`. */
async function receiveBodies(queue: string, count: number): Promise<unknown[]> {
  const receiver = client.createReceiver(queue, { receiveMode: "receiveAndDelete" });
  try {
    return (await receiveAll(receiver, count, 15_000)).map((message) => message.body as unknown);
  } finally {
    await receiver.close();
  }
}

moveQueueContract("Service Bus (emulator)", () => {
  const { name: _moves, ...settings } = MOVES_QUEUE;
  const name = freshQueue(emulator, settings);
  return Promise.resolve({
    queue: new ServiceBusMoveQueue(client, name),
    receive: async (count) => (await receiveBodies(name, count)).map((body) => parseMoveMessage(body)),
    scheduled: async () => {
      const receiver = client.createReceiver(name);
      try {
        const peeked = await receiver.peekMessages(100, { fromSequenceNumber: Long.fromNumber(1) });
        return peeked
          .filter((message) => message.state === "scheduled")
          .map((message) => ({
            message: parseMoveMessage(message.body),
            at: message.scheduledEnqueueTimeUtc ?? new Date(0),
          }));
      } finally {
        await receiver.close();
      }
    },
  });
});

cutoverAnnouncerContract("Service Bus (emulator)", () => {
  const { name: _cutovers, ...settings } = CUTOVERS_QUEUE;
  const name = freshQueue(emulator, settings);
  return Promise.resolve({
    announcer: new ServiceBusCutoverAnnouncer(client, name),
    receive: async (count) => (await receiveBodies(name, count)) as CutoverNotice[],
  });
});
