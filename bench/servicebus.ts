/**
 * Service Bus emulator throughput through the real SDK, in two phases:
 *
 * - bulk: batched sends (createMessageBatch), then peek-lock receive and complete of a full queue;
 * - trickle: receivers loop on `receiveMessages` with a short wait while a sender adds a batch at a
 *   time on a fixed schedule (the offered rate caps what the receivers can reach), so many
 *   receives end because their wait expired, some with deliveries still on their way to the
 *   client. The SDK then drains the link's credit and waits for the broker to answer the drain
 *   before it returns; a drain left unanswered costs the SDK's drain timeout (200 ms) and a new
 *   link, which `trickleReceiveLinksRebuilt` counts.
 *
 * Run: npx tsx bench/servicebus.ts [--messages N] [--receivers N] [--trickle-messages N]
 *      [--trickle-batch N] [--trickle-wait-ms N] [--trickle-pace-ms N]
 */
import { setTimeout as delay } from "node:timers/promises";
import { parseArgs } from "node:util";
import {
  ServiceBusClient,
  type ServiceBusMessage,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
  type ServiceBusSender,
} from "@azure/service-bus";
import { startServiceBusEmulator } from "@mailferry/azure-local/servicebus";
import { MOVES_QUEUE, type QueueDefinition } from "../shared/bus/topology.js";
import { createLogger } from "../shared/telemetry/logger.js";
import { printFigures } from "./lib/report.js";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "50000" },
    receivers: { type: "string", default: "4" },
    "trickle-messages": { type: "string", default: "4000" },
    "trickle-batch": { type: "string", default: "10" },
    "trickle-wait-ms": { type: "string", default: "10" },
    "trickle-pace-ms": { type: "string", default: "20" },
  },
});

function positiveWhole(name: string, value: string | undefined): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`--${name} must be a positive whole number`);
  return number;
}

const total = positiveWhole("messages", values.messages);
const receiverCount = positiveWhole("receivers", values.receivers);
const trickleTotal = positiveWhole("trickle-messages", values["trickle-messages"]);
const trickleBatch = positiveWhole("trickle-batch", values["trickle-batch"]);
const trickleWaitMs = positiveWhole("trickle-wait-ms", values["trickle-wait-ms"]);
const tricklePaceMs = positiveWhole("trickle-pace-ms", values["trickle-pace-ms"]);

function moveMessage(n: number): ServiceBusMessage {
  return {
    messageId: `account-${n}:attempt-1:slice-0`,
    contentType: "application/json",
    subject: "move",
    body: {
      accountId: `account-${n}`,
      upn: `user${n}@contoso.example`,
      waveId: "wave-2026-05-01",
      attempt: 1,
      slice: 0,
    },
    applicationProperties: { waveId: "wave-2026-05-01" },
  };
}

// The emulator logs each receive link it attaches; a link beyond the receivers' first ones is
// one the SDK rebuilt.
let receiveLinksAttached = 0;
const emulatorLogger = createLogger({
  level: "debug",
  sink: (line) => {
    if (line.includes('"msg":"receive link attached"')) receiveLinksAttached += 1;
  },
});

const bulkQueue: QueueDefinition = { ...MOVES_QUEUE, name: "bench-moves", lockDurationSeconds: 300 };
const trickleQueue: QueueDefinition = { ...bulkQueue, name: "bench-trickle" };
const emulator = await startServiceBusEmulator({
  queues: [bulkQueue, trickleQueue],
  logger: emulatorLogger,
});
const client = new ServiceBusClient(emulator.connectionString);

async function sendInBatches(sender: ServiceBusSender, from: number, count: number): Promise<number> {
  let batches = 0;
  let batch = await sender.createMessageBatch();
  for (let n = from; n < from + count; n += 1) {
    const message = moveMessage(n);
    if (!batch.tryAddMessage(message)) {
      await sender.sendMessages(batch);
      batches += 1;
      batch = await sender.createMessageBatch();
      if (!batch.tryAddMessage(message)) throw new Error("a single message does not fit a batch");
    }
  }
  if (batch.count > 0) {
    await sender.sendMessages(batch);
    batches += 1;
  }
  return batches;
}

interface ReceivePhase {
  readonly seconds: number;
  readonly receives: number;
  readonly linksRebuilt: number;
}

/** Receivers receive and complete until `expected` messages were completed. */
async function receiveAndComplete(
  queue: string,
  expected: number,
  maxMessages: number,
  maxWaitTimeInMs: number,
  onCompleted: (message: ServiceBusReceivedMessage) => void = () => undefined,
): Promise<ReceivePhase> {
  const linksBefore = receiveLinksAttached;
  const started = performance.now();
  let completed = 0;
  let receives = 0;
  const receivers: ServiceBusReceiver[] = [];
  await Promise.all(
    Array.from({ length: receiverCount }, async () => {
      const receiver = client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
      receivers.push(receiver);
      while (completed < expected) {
        const messages = await receiver.receiveMessages(maxMessages, { maxWaitTimeInMs });
        receives += 1;
        await Promise.all(
          messages.map(async (message) => {
            await receiver.completeMessage(message);
            onCompleted(message);
          }),
        );
        completed += messages.length;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const linksRebuilt = receiveLinksAttached - linksBefore - receivers.length;
  await Promise.all(receivers.map((receiver) => receiver.close()));
  const left = emulator.queueStats(queue);
  if (left.active + left.locked !== 0) throw new Error(`messages left in ${queue} after receiving`);
  return { seconds, receives, linksRebuilt };
}

try {
  const sender = client.createSender(bulkQueue.name);
  const sendStarted = performance.now();
  const batches = await sendInBatches(sender, 0, total);
  const sendSeconds = (performance.now() - sendStarted) / 1000;
  if (emulator.queueStats(bulkQueue.name).active !== total) throw new Error("not every message arrived");
  const bulk = await receiveAndComplete(bulkQueue.name, total, 500, 1_000);

  const trickleSender = client.createSender(trickleQueue.name);
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  const feeding = (async () => {
    const started = performance.now();
    for (let sent = 0, round = 1; sent < trickleTotal; sent += trickleBatch, round += 1) {
      const messages = Array.from({ length: Math.min(trickleBatch, trickleTotal - sent) }, (_, i) =>
        moveMessage(total + sent + i),
      );
      const now = performance.now();
      for (const message of messages) sentAt.set(String(message.messageId), now);
      await trickleSender.sendMessages(messages);
      // A fixed schedule, so the offered rate does not depend on how busy the receivers keep the process.
      await delay(Math.max(0, started + round * tricklePaceMs - performance.now()));
    }
    return (performance.now() - started) / 1000;
  })();
  const [trickle, feedSeconds] = await Promise.all([
    receiveAndComplete(trickleQueue.name, trickleTotal, trickleBatch, trickleWaitMs, (message) => {
      const at = sentAt.get(String(message.messageId));
      if (at !== undefined) latencies.push(performance.now() - at);
    }),
    feeding,
  ]);
  latencies.sort((a, b) => a - b);
  const percentile = (share: number): number =>
    Math.round(latencies[Math.min(latencies.length - 1, Math.floor(share * latencies.length))] ?? 0);

  printFigures("servicebus-emulator", {
    messages: total,
    batches,
    receivers: receiverCount,
    sendSeconds: Number(sendSeconds.toFixed(3)),
    sendMessagesPerSecond: Math.round(total / sendSeconds),
    receiveCompleteSeconds: Number(bulk.seconds.toFixed(3)),
    receiveCompleteMessagesPerSecond: Math.round(total / bulk.seconds),
    bulkReceiveLinksRebuilt: bulk.linksRebuilt,
    trickleMessages: trickleTotal,
    trickleBatch,
    trickleWaitMs,
    tricklePaceMs,
    trickleOfferedMessagesPerSecond: Math.round(trickleTotal / feedSeconds),
    trickleReceives: trickle.receives,
    trickleSeconds: Number(trickle.seconds.toFixed(3)),
    trickleReceiveCompleteMessagesPerSecond: Math.round(trickleTotal / trickle.seconds),
    // 1 when the receivers kept up with the sender; the phase lasts at least as long as the sending.
    trickleShareOfOffered: Number((feedSeconds / trickle.seconds).toFixed(3)),
    trickleReceiveLinksRebuilt: trickle.linksRebuilt,
    trickleSendToCompleteP50Ms: percentile(0.5),
    trickleSendToCompleteP99Ms: percentile(0.99),
    trickleSendToCompleteMaxMs: Math.round(latencies.at(-1) ?? 0),
    node: process.version,
  });
} finally {
  await client.close();
  await emulator.close();
}
