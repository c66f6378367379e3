import { createServer, connect as connectTcp, type Server, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import type { ServiceBusReceivedMessage } from "@azure/service-bus";
import { connect, freshQueue, receiveAll, until, useEmulator } from "./harness.js";

const emulatorOf = useEmulator();

/** A TCP relay to the emulator whose connections can be cut, like a network failure. */
async function startRelay(
  targetPort: number,
): Promise<{ port: number; cut(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((inbound) => {
    const outbound = connectTcp(targetPort, "127.0.0.1");
    for (const socket of [inbound, outbound]) {
      sockets.add(socket);
      socket.on("error", () => undefined);
      socket.on("close", () => sockets.delete(socket));
    }
    inbound.pipe(outbound).pipe(inbound);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (typeof address !== "object" || !address) throw new Error("relay has no address");
  const cut = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port: address.port,
    cut,
    close: () => {
      cut();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

describe("resilience", () => {
  it("returns a message locked by a client that closed, once its lock expires", async () => {
    const queue = freshQueue(emulatorOf(), { lockDurationSeconds: 1 });
    const leaving = connect(emulatorOf().connectionString);
    const staying = connect(emulatorOf().connectionString);
    try {
      await staying.createSender(queue).sendMessages({ body: "orphan" });
      const [taken] = await leaving
        .createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 })
        .receiveMessages(1);
      expect(taken?.body).toBe("orphan");
      await leaving.close();
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, locked: 1 });
      const [again] = await receiveAll(staying.createReceiver(queue), 1);
      expect(again?.body).toBe("orphan");
      expect(again?.deliveryCount).toBe(1);
    } finally {
      await leaving.close();
      await staying.close();
    }
  });

  it("keeps serving after a client's connection is cut mid-delivery", async () => {
    const queue = freshQueue(emulatorOf(), { lockDurationSeconds: 1 });
    const relay = await startRelay(emulatorOf().port);
    const cutOff = connect(
      emulatorOf().connectionString.replace(`localhost:${emulatorOf().port}`, `localhost:${relay.port}`),
    );
    const other = connect(emulatorOf().connectionString);
    try {
      await other.createSender(queue).sendMessages([{ body: "in flight" }, { body: "next" }]);
      const receiver = cutOff.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 });
      const [taken] = await receiver.receiveMessages(1);
      expect(taken?.body).toBe("in flight");
      relay.cut();
      await relay.close();
      const received = await receiveAll(other.createReceiver(queue), 2);
      const byBody = new Map(received.map((message) => [message.body as string, message]));
      expect([...byBody.keys()].sort()).toEqual(["in flight", "next"]);
      expect(byBody.get("in flight")?.deliveryCount).toBe(1);
    } finally {
      await relay.close();
      await cutOff.close();
      await other.close();
    }
  });

  it("never hands one message to two of 16 concurrent receivers", async () => {
    const queue = freshQueue(emulatorOf());
    const total = 400;
    const clients = Array.from({ length: 4 }, () => connect(emulatorOf().connectionString));
    try {
      const sender = clients[0]?.createSender(queue);
      if (!sender) throw new Error("no client");
      let batch = await sender.createMessageBatch();
      for (let n = 0; n < total; n += 1) {
        if (!batch.tryAddMessage({ body: n, messageId: `m${n}` })) {
          await sender.sendMessages(batch);
          batch = await sender.createMessageBatch();
          batch.tryAddMessage({ body: n, messageId: `m${n}` });
        }
      }
      await sender.sendMessages(batch);

      const seen = new Map<string, number>();
      let completed = 0;
      const receivers = Array.from({ length: 16 }, (_, index) => clients[index % 4]?.createReceiver(queue));
      await Promise.all(
        receivers.map(async (receiver) => {
          if (!receiver) return;
          while (completed < total) {
            const messages: ServiceBusReceivedMessage[] = await receiver.receiveMessages(7, {
              maxWaitTimeInMs: 300,
            });
            for (const message of messages) {
              const id = String(message.messageId);
              seen.set(id, (seen.get(id) ?? 0) + 1);
            }
            await Promise.all(messages.map((message) => receiver.completeMessage(message)));
            completed += messages.length;
          }
        }),
      );
      expect(seen.size).toBe(total);
      expect([...seen.values()].every((count) => count === 1)).toBe(true);
      await until(() => emulatorOf().queueStats(queue).locked === 0, "no locks left");
      expect(emulatorOf().queueStats(queue)).toMatchObject({ active: 0, locked: 0, deadLetter: 0 });
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
  });
});
