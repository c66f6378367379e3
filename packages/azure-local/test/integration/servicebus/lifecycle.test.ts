import { describe, expect, it } from "vitest";
import { ServiceBusEmulatorError, startServiceBusEmulator } from "../../../src/servicebus/index.js";
import { EMPTY_QUEUE, connect, freshQueue, sleep } from "./harness.js";

function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const resource of process.getActiveResourcesInfo()) counts[resource] = (counts[resource] ?? 0) + 1;
  return counts;
}

describe("emulator lifecycle", () => {
  it("closes with clients still connected and leaves no socket, listener or timer behind", async () => {
    const before = resources();
    const emulator = await startServiceBusEmulator({ queues: [] });
    const queue = freshQueue(emulator, { lockDurationSeconds: 5 });
    const client = connect(emulator.connectionString);
    try {
      const sender = client.createSender(queue);
      await sender.sendMessages([{ body: 1 }, { body: 2 }]);
      await sender.scheduleMessages({ body: 3 }, new Date(Date.now() + 600_000));
      await client.createReceiver(queue, { maxAutoLockRenewalDurationInMs: 0 }).receiveMessages(1);
      expect(resources().TCPServerWrap ?? 0).toBe((before.TCPServerWrap ?? 0) + 1);
      await emulator.close();
      await emulator.close();
      const after = resources();
      expect(after.TCPServerWrap ?? 0).toBe(before.TCPServerWrap ?? 0);
      expect(after.TCPSocketWrap ?? 0).toBe(before.TCPSocketWrap ?? 0);
    } finally {
      await client.close();
    }
    await sleep(50);
    expect(resources().Timeout ?? 0).toBeLessThanOrEqual(before.Timeout ?? 0);
  });

  it("reports a port that is taken", async () => {
    const first = await startServiceBusEmulator({ queues: [] });
    try {
      await expect(startServiceBusEmulator({ queues: [], port: first.port })).rejects.toBeInstanceOf(
        ServiceBusEmulatorError,
      );
    } finally {
      await first.close();
    }
  });

  it("starts with the queues it is given and refuses a second queue of the same name", async () => {
    const queue = {
      lockDurationSeconds: 30,
      maxDeliveryCount: 5,
      duplicateDetectionWindowSeconds: 60,
      defaultMessageTtlSeconds: 3600,
      deadLetteringOnMessageExpiration: true,
    };
    const emulator = await startServiceBusEmulator({
      queues: [
        { name: "moves", ...queue },
        { name: "cutovers", ...queue },
      ],
    });
    try {
      expect(emulator.queueStats("moves")).toEqual(EMPTY_QUEUE);
      expect(emulator.queueStats("cutovers").active).toBe(0);
      expect(() => freshQueue(emulator)).not.toThrow();
      expect(() =>
        emulator.createQueue({
          name: "MOVES",
          lockDurationSeconds: 1,
          maxDeliveryCount: 1,
          duplicateDetectionWindowSeconds: 0,
          defaultMessageTtlSeconds: 1,
          deadLetteringOnMessageExpiration: false,
        }),
      ).toThrow(/already exists/);
      expect(() => emulator.queueStats("nope")).toThrow(/does not exist/);
    } finally {
      await emulator.close();
    }
  });
});
