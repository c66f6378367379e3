import type { QueueDefinition } from "./queue-definition.js";
import { ServiceBusEmulatorError } from "../errors.js";
import type { Clock } from "./clock.js";
import type { QueueStats } from "./message.js";
import { QueueEntity } from "./queue.js";
import { Timeline } from "./timeline.js";

/** Suffix of a queue's dead-letter sub-queue path. */
export const DEAD_LETTER_SUFFIX = "/$deadletterqueue";

const QUEUE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,259}$/;

function checkDefinition(definition: QueueDefinition): void {
  if (!QUEUE_NAME.test(definition.name)) {
    throw new ServiceBusEmulatorError(`queue name ${JSON.stringify(definition.name)} is not valid`);
  }
  const positive: (keyof QueueDefinition)[] = [
    "lockDurationSeconds",
    "maxDeliveryCount",
    "defaultMessageTtlSeconds",
  ];
  for (const field of positive) {
    const value = definition[field];
    if (typeof value !== "number" || !(value > 0)) {
      throw new ServiceBusEmulatorError(`queue ${definition.name}: ${field} must be a positive number`);
    }
  }
  if (!(definition.duplicateDetectionWindowSeconds >= 0)) {
    throw new ServiceBusEmulatorError(
      `queue ${definition.name}: duplicateDetectionWindowSeconds must not be negative`,
    );
  }
}

/** The namespace: every queue and dead-letter sub-queue, addressed by entity path. */
export class Broker {
  private readonly entities = new Map<string, QueueEntity>();
  private readonly queues = new Map<string, QueueEntity>();
  readonly timeline: Timeline;

  constructor(private readonly clock: Clock) {
    this.timeline = new Timeline(clock);
  }

  /** Adds a queue and its dead-letter sub-queue. */
  createQueue(definition: QueueDefinition): void {
    checkDefinition(definition);
    const key = definition.name.toLowerCase();
    if (this.queues.has(key)) throw new ServiceBusEmulatorError(`queue ${definition.name} already exists`);
    const deadLetterQueue = new QueueEntity({
      path: `${definition.name}${DEAD_LETTER_SUFFIX}`,
      lockDurationMs: definition.lockDurationSeconds * 1000,
      maxDeliveryCount: Number.POSITIVE_INFINITY,
      duplicateWindowMs: 0,
      defaultTtlMs: Number.POSITIVE_INFINITY,
      deadLetterOnExpiration: false,
      deadLetterQueue: undefined,
      clock: this.clock,
      timeline: this.timeline,
    });
    const queue = new QueueEntity({
      path: definition.name,
      lockDurationMs: definition.lockDurationSeconds * 1000,
      maxDeliveryCount: definition.maxDeliveryCount,
      duplicateWindowMs: definition.duplicateDetectionWindowSeconds * 1000,
      defaultTtlMs: definition.defaultMessageTtlSeconds * 1000,
      deadLetterOnExpiration: definition.deadLetteringOnMessageExpiration,
      deadLetterQueue,
      clock: this.clock,
      timeline: this.timeline,
    });
    this.queues.set(key, queue);
    this.entities.set(key, queue);
    this.entities.set(`${key}${DEAD_LETTER_SUFFIX}`, deadLetterQueue);
  }

  /** The queue or dead-letter sub-queue at `path` (case-insensitive, like Service Bus). */
  entity(path: string): QueueEntity | undefined {
    return this.entities.get(path.toLowerCase());
  }

  /** Counts for one queue. */
  stats(name: string): QueueStats {
    const queue = this.queues.get(name.toLowerCase());
    if (!queue) throw new ServiceBusEmulatorError(`queue ${name} does not exist`);
    return queue.stats();
  }

  /** Stops the timer; messages are dropped with the broker. */
  close(): void {
    this.timeline.close();
  }
}
