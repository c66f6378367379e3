import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InvocationContext } from "@azure/functions";
import { fixtureApp, setProbe, type Probe } from "../../fixtures/apps/probe.js";
import { LocalHost, parseHostJson, type HostJsonSettings } from "../../../local/host/index.js";
import type { ServiceBusEmulator } from "@mailferry/azure-local/servicebus";
import { silentLogger } from "../../../shared/telemetry/logger.js";
import { connect, freshQueue, receiveAll, startEmulator, until } from "../servicebus/harness.js";

/** The fixture app's one queue function. */
const PROBE_FUNCTION = "queue-probe";

function hostJson(maxConcurrentCalls: number, renewal = "00:05:00"): HostJsonSettings {
  return parseHostJson(
    JSON.stringify({
      extensions: { serviceBus: { maxConcurrentCalls, maxAutoLockRenewalDuration: renewal } },
    }),
  );
}

describe("service bus trigger", () => {
  let emulator: ServiceBusEmulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    emulator = await startEmulator();
    env = { ServiceBusConnection: emulator.connectionString };
  });

  afterAll(async () => {
    await emulator.close();
  });

  async function send(queue: string, bodies: unknown[]): Promise<void> {
    const client = connect(emulator.connectionString);
    const sender = client.createSender(queue);
    await sender.sendMessages(bodies.map((body, index) => ({ body, messageId: `m-${index}` })));
    await client.close();
  }

  /** Hosts the fixture app whose one queue function does what `handler` does, on `queue`. */
  async function host(
    queue: string,
    handler: (message: unknown, context: InvocationContext) => unknown,
    settings: HostJsonSettings,
    stopGraceMs = 2_000,
  ): Promise<LocalHost> {
    setProbe(PROBE_FUNCTION, handler as Probe);
    return LocalHost.start({
      app: fixtureApp("servicebus"),
      env: { ...env, PROBE_QUEUE: queue },
      hostJson: settings,
      logger: silentLogger,
      stopGraceMs,
    });
  }

  it("redelivers after each failure with the host's delivery count, then completes on success", async () => {
    const queue = freshQueue(emulator, { maxDeliveryCount: 10 });
    const counts: unknown[] = [];
    const bodies: unknown[] = [];
    const running = await host(
      queue,
      (message, context) => {
        counts.push(context.triggerMetadata?.deliveryCount);
        bodies.push(message);
        if (counts.length <= 3) throw new Error("not yet");
      },
      hostJson(1),
    );
    try {
      await send(queue, [{ hello: "world" }]);
      await until(() => counts.length === 4, "four deliveries");
      await until(
        () => emulator.queueStats(queue).locked === 0 && emulator.queueStats(queue).active === 0,
        "settled",
      );
    } finally {
      await running.stop();
    }
    // Azure's host counts the current delivery: 1 on the first.
    expect(counts).toEqual([1, 2, 3, 4]);
    expect(bodies[0]).toEqual({ hello: "world" });
    expect(emulator.queueStats(queue)).toMatchObject({ active: 0, deadLetter: 0 });
  });

  it("dead-letters a message whose handler always throws, after maxDeliveryCount", async () => {
    const queue = freshQueue(emulator, { maxDeliveryCount: 3 });
    let calls = 0;
    const running = await host(
      queue,
      () => {
        calls += 1;
        throw new Error("always");
      },
      hostJson(2),
    );
    try {
      await send(queue, ["poison"]);
      await until(() => emulator.queueStats(queue).deadLetter === 1, "dead-lettered");
    } finally {
      await running.stop();
    }
    expect(calls).toBe(3);
    const client = connect(emulator.connectionString);
    const dlq = client.createReceiver(queue, { subQueueType: "deadLetter" });
    const [dead] = await receiveAll(dlq, 1);
    expect(dead?.deadLetterReason).toBe("MaxDeliveryCountExceeded");
    await client.close();
  });

  it("never runs more than maxConcurrentCalls handlers at once under a burst of 500", async () => {
    const queue = freshQueue(emulator);
    let running = 0;
    let peak = 0;
    let done = 0;
    const instance = await host(
      queue,
      async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 2));
        running -= 1;
        done += 1;
      },
      hostJson(8),
    );
    try {
      await send(
        queue,
        Array.from({ length: 500 }, (_, index) => ({ index })),
      );
      await until(() => done === 500, "500 handled", 60_000);
    } finally {
      await instance.stop();
    }
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThan(1);
  });

  it("keeps a long handler's lock past lockDuration and completes it once", async () => {
    const queue = freshQueue(emulator, { lockDurationSeconds: 1 });
    let calls = 0;
    const instance = await host(
      queue,
      async () => {
        calls += 1;
        await new Promise((resolve) => setTimeout(resolve, 2_500));
      },
      hostJson(1, "00:01:00"),
    );
    try {
      await send(queue, ["long"]);
      // The run ends once the host has settled the message. Had the lock lapsed, the broker would
      // have refused the completion and the message would be back (active or locked again).
      await instance.waitForRuns(PROBE_FUNCTION, 1, 15_000);
      expect(emulator.queueStats(queue)).toMatchObject({ active: 0, locked: 0, deadLetter: 0 });
    } finally {
      await instance.stop();
    }
    expect(calls).toBe(1);
  });

  it("loses no message when stopped mid-burst: the unfinished ones come back on the next start", async () => {
    const queue = freshQueue(emulator, { lockDurationSeconds: 1 });
    const handled = new Set<number>();
    const resumable =
      (delayMs: number) =>
      async (message: unknown): Promise<void> => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        handled.add((message as { index: number }).index);
      };
    await send(
      queue,
      Array.from({ length: 100 }, (_, index) => ({ index })),
    );
    const first = await host(queue, resumable(30), hostJson(4, "00:00:00"), 0);
    await until(() => handled.size >= 10, "some handled");
    await first.stop();
    const afterFirst = handled.size;
    expect(afterFirst).toBeLessThan(100);
    const second = await host(queue, resumable(1), hostJson(8));
    try {
      await until(() => handled.size === 100, "all handled after restart", 30_000);
      // At-least-once: a message finished after the first stop may run again; the queue drains all the same.
      await until(
        () => emulator.queueStats(queue).active === 0 && emulator.queueStats(queue).locked === 0,
        "queue drained",
        30_000,
      );
    } finally {
      await second.stop();
    }
    expect([...handled].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, index) => index));
    expect(emulator.queueStats(queue)).toMatchObject({ active: 0, locked: 0, deadLetter: 0 });
  });
});
