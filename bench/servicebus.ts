/**
 * Service Bus emulator throughput through the real SDK: batched sends (createMessageBatch), then
 * peek-lock receive and complete. Run: npx tsx bench/servicebus.ts [--messages N] [--receivers N]
 */
import { parseArgs } from "node:util";
import { ServiceBusClient, type ServiceBusMessage } from "@azure/service-bus";
import { startServiceBusEmulator } from "../local/servicebus/index.js";
import { MOVES_QUEUE } from "../shared/bus/topology.js";
import { printFigures } from "./lib/report.js";

const { values } = parseArgs({
  options: {
    messages: { type: "string", default: "50000" },
    receivers: { type: "string", default: "4" },
  },
});
const total = Number(values.messages);
const receiverCount = Number(values.receivers);
if (!Number.isInteger(total) || total < 1 || !Number.isInteger(receiverCount) || receiverCount < 1) {
  throw new Error("--messages and --receivers must be positive whole numbers");
}

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

const queue = { ...MOVES_QUEUE, name: "bench-moves", lockDurationSeconds: 300 };
const emulator = await startServiceBusEmulator({ queues: [queue] });
const client = new ServiceBusClient(emulator.connectionString);
try {
  const sender = client.createSender(queue.name);
  const sendStarted = performance.now();
  let batches = 0;
  let batch = await sender.createMessageBatch();
  for (let n = 0; n < total; n += 1) {
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
  const sendSeconds = (performance.now() - sendStarted) / 1000;
  if (emulator.queueStats(queue.name).active !== total) throw new Error("not every message arrived");

  const receiveStarted = performance.now();
  let completed = 0;
  await Promise.all(
    Array.from({ length: receiverCount }, async () => {
      const receiver = client.createReceiver(queue.name, { maxAutoLockRenewalDurationInMs: 0 });
      while (completed < total) {
        const messages = await receiver.receiveMessages(500, { maxWaitTimeInMs: 1_000 });
        await Promise.all(messages.map((message) => receiver.completeMessage(message)));
        completed += messages.length;
      }
      await receiver.close();
    }),
  );
  const receiveSeconds = (performance.now() - receiveStarted) / 1000;
  const left = emulator.queueStats(queue.name);
  if (left.active + left.locked !== 0) throw new Error("messages left after the receive phase");

  printFigures("servicebus-emulator", {
    messages: total,
    batches,
    receivers: receiverCount,
    sendSeconds: Number(sendSeconds.toFixed(3)),
    sendMessagesPerSecond: Math.round(total / sendSeconds),
    receiveCompleteSeconds: Number(receiveSeconds.toFixed(3)),
    receiveCompleteMessagesPerSecond: Math.round(total / receiveSeconds),
    node: process.version,
  });
} finally {
  await client.close();
  await emulator.close();
}
