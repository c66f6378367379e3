import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import {
  ServiceBusClient,
  type ServiceBusReceivedMessage,
  type ServiceBusReceiver,
} from "@azure/service-bus";
import type { Logger } from "../../../src/logger.js";
import {
  startServiceBusEmulator,
  type QueueDefinition,
  type ServiceBusEmulator,
} from "../../../src/servicebus/index.js";

/** A queue with nothing left in it, as `queueStats` reports it. */
export const EMPTY_QUEUE = { active: 0, scheduled: 0, deferred: 0, locked: 0, deadLetter: 0 } as const;

/** One emulator for a test file: started before its tests, closed after them. */
export function useEmulator(): () => ServiceBusEmulator {
  let emulator: ServiceBusEmulator | undefined;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });
  return () => {
    if (!emulator) throw new Error("the emulator has not started");
    return emulator;
  };
}

/** A logger that keeps every line as one JSON object (message, level, fields), debug included. */
export function recordingLogger(lines: string[], base: Record<string, unknown> = {}): Logger {
  const write =
    (level: string) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      lines.push(JSON.stringify({ level, msg, ...base, ...fields }));
    };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    child: (fields) => recordingLogger(lines, { ...base, ...fields }),
  };
}

/** Starts an emulator with no queues; each test adds its own. */
export function startEmulator(): Promise<ServiceBusEmulator> {
  return startServiceBusEmulator({ queues: [] });
}

/** Adds a queue with a fresh name and test-friendly settings; returns its name. */
export function freshQueue(
  emulator: ServiceBusEmulator,
  settings: Partial<Omit<QueueDefinition, "name">> = {},
): string {
  const name = `q-${randomUUID().slice(0, 8)}`;
  emulator.createQueue({
    name,
    lockDurationSeconds: 30,
    maxDeliveryCount: 10,
    duplicateDetectionWindowSeconds: 60,
    defaultMessageTtlSeconds: 3600,
    deadLetteringOnMessageExpiration: true,
    ...settings,
  });
  return name;
}

/** A client that fails fast instead of retrying for minutes. */
export function connect(connectionString: string): ServiceBusClient {
  return new ServiceBusClient(connectionString, {
    retryOptions: { maxRetries: 1, retryDelayInMs: 50, timeoutInMs: 10_000 },
  });
}

/** Receives until `count` messages arrived or `limitMs` passed. */
export async function receiveAll(
  receiver: ServiceBusReceiver,
  count: number,
  limitMs = 5_000,
): Promise<ServiceBusReceivedMessage[]> {
  const received: ServiceBusReceivedMessage[] = [];
  const started = Date.now();
  while (received.length < count && Date.now() - started < limitMs) {
    received.push(...(await receiver.receiveMessages(count - received.length, { maxWaitTimeInMs: 500 })));
  }
  return received;
}

/** Polls `condition` until it holds. */
export async function until(condition: () => boolean, what: string, limitMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
