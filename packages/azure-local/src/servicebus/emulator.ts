import { randomBytes } from "node:crypto";
import { silentLogger, type Logger } from "../logger.js";
import { AmqpServer } from "./amqp/server.js";
import { ServiceBusEmulatorError } from "./errors.js";
import { Broker } from "./store/broker.js";
import { systemClock } from "./store/clock.js";
import type { QueueStats } from "./store/message.js";
import type { QueueDefinition } from "./store/queue-definition.js";

export interface ServiceBusEmulatorOptions {
  /** 0 or undefined: a free port. */
  port?: number;
  /** Interface to bind; loopback only by default. */
  host?: string;
  /** Default `RootManageSharedAccessKey`. */
  sasKeyName?: string;
  /** Default: a random key per start. */
  sasKey?: string;
  /**
   * The queues that exist at start, with their settings: the application passes its own topology,
   * so local runs use exactly its production queue settings. Tests add theirs with `createQueue`.
   */
  queues: readonly QueueDefinition[];
  logger?: Logger;
}

export interface ServiceBusEmulator {
  readonly port: number;
  /** `Endpoint=sb://localhost:<port>;SharedAccessKeyName=..;SharedAccessKey=..;UseDevelopmentEmulator=true;` */
  readonly connectionString: string;
  /** Adds a queue at run time (tests use a fresh queue per test). */
  createQueue(definition: QueueDefinition): void;
  /** Counts for tests/alerts: active, scheduled, deferred, locked, deadLetter. */
  queueStats(name: string): QueueStats;
  close(): Promise<void>;
}

const DEFAULT_KEY_NAME = "RootManageSharedAccessKey";

/**
 * Starts an AMQP 1.0 Service Bus emulator that the real `@azure/service-bus` SDK talks to with a
 * connection string (UseDevelopmentEmulator=true selects plain TCP), with the queues it is given.
 */
export async function startServiceBusEmulator(
  options: ServiceBusEmulatorOptions,
): Promise<ServiceBusEmulator> {
  const host = options.host ?? "127.0.0.1";
  const keyName = options.sasKeyName ?? DEFAULT_KEY_NAME;
  const key = options.sasKey ?? randomBytes(32).toString("base64");
  if (keyName === "" || key === "" || /[;=]/.test(keyName) || key.includes(";")) {
    throw new ServiceBusEmulatorError(
      "the SAS key name and key must be non-empty and free of ';' (and '=' in the name)",
    );
  }
  const logger = (options.logger ?? silentLogger).child({ component: "servicebus-emulator" });
  const broker = new Broker(systemClock);
  for (const queue of options.queues) broker.createQueue(queue);
  const server = new AmqpServer({ broker, key: { name: keyName, key }, clock: systemClock, logger });
  let port: number;
  try {
    port = await server.listen(host, options.port ?? 0);
  } catch (error) {
    broker.close();
    throw new ServiceBusEmulatorError(`cannot listen on ${host}:${options.port ?? 0}`, { cause: error });
  }
  logger.info("Service Bus emulator listening", { host, port });
  let closing: Promise<void> | undefined;
  return {
    port,
    connectionString: `Endpoint=sb://localhost:${port};SharedAccessKeyName=${keyName};SharedAccessKey=${key};UseDevelopmentEmulator=true;`,
    createQueue: (definition) => broker.createQueue(definition),
    queueStats: (name) => broker.stats(name),
    close: () => {
      closing ??= server.close().then(() => {
        broker.close();
        logger.info("Service Bus emulator stopped", { port });
      });
      return closing;
    },
  };
}
