/**
 * The dead-letter sub-queue of a mailferry queue, through the official Service Bus SDK. Browsing
 * peeks and takes nothing. Draining peek-locks one message at a time and, for a replay, re-sends
 * it to its queue before completing it in the sub-queue, so stopping (or crashing) at any moment
 * leaves every message either still dead-lettered or already re-sent, never neither. The re-sent
 * copy carries a MessageId derived from the dead-lettered one, so a replay interrupted between the
 * send and the completion and run again re-sends an id the broker's duplicate detection drops.
 */
import { createHash } from "node:crypto";
import Long from "long";
import { MAX_MESSAGE_ID } from "./messages.js";
import type {
  ServiceBusClient,
  ServiceBusMessage,
  ServiceBusReceivedMessage,
  ServiceBusReceiver,
} from "@azure/service-bus";

/** Application properties Service Bus adds when it dead-letters a message. */
export const DEAD_LETTER_PROPERTIES: readonly string[] = ["DeadLetterReason", "DeadLetterErrorDescription"];

const PEEK_PAGE = 100;
const RECEIVE_BATCH = 50;
const RECEIVE_WAIT_MS = 1_000;

export type PropertyValue = string | number | boolean | null;

/** One dead-lettered message as operators see it. */
export interface DeadLetter {
  /** Kept from the queue the message was dead-lettered from. */
  readonly sequenceNumber: number;
  readonly messageId: string;
  /** When the message was first enqueued (ISO); Service Bus keeps it on dead-lettering. */
  readonly enqueuedAt?: string;
  readonly deliveryCount: number;
  /** DeadLetterReason, e.g. MaxDeliveryCountExceeded or TTLExpiredException. */
  readonly reason?: string;
  /** DeadLetterErrorDescription. */
  readonly description?: string;
  readonly subject?: string;
  readonly contentType?: string;
  readonly correlationId?: string;
  /** The application properties the sender set (the dead-letter ones left out). */
  readonly applicationProperties: Readonly<Record<string, PropertyValue>>;
  /** The body as sent: the bytes of a data section, or an AMQP value. */
  readonly body: unknown;
}

/** What a drain did with one message. */
export interface DrainedMessage {
  readonly sequenceNumber: number;
  readonly messageId: string;
  /** The MessageId of the re-sent copy (replay only). */
  readonly resentAs?: string;
}

export interface DrainOptions {
  /** Which messages to act on; the others are left where they are. */
  readonly match: (message: DeadLetter) => boolean | Promise<boolean>;
  /** Act on at most this many messages. */
  readonly max?: number;
  /** Act on at most this many messages per second. */
  readonly ratePerSecond?: number;
  /** Stops after the message in hand; nothing half-done is left behind. */
  readonly signal?: AbortSignal;
  /** Called after each message is settled. */
  readonly onMessage?: (message: DrainedMessage) => void;
}

export interface DrainResult {
  /** Messages looked at, matching or not. */
  readonly examined: number;
  readonly drained: readonly DrainedMessage[];
  /** The signal stopped the drain before it ran out of messages. */
  readonly stopped: boolean;
  /** `max` messages were acted on; more may match. */
  readonly reachedMax: boolean;
}

/** A queue's dead-letter sub-queue. */
export interface DeadLetterQueue {
  readonly queueName: string;
  /** Every dead-lettered message in sequence order, without locking or removing any. */
  browse(): AsyncIterable<DeadLetter>;
  /** The message with this sequence number, if it is dead-lettered. */
  find(sequenceNumber: number): Promise<DeadLetter | undefined>;
  /** Re-sends matching messages to the queue, each before completing it here. */
  replay(options: DrainOptions): Promise<DrainResult>;
  /** Removes matching messages for good. */
  purge(options: DrainOptions): Promise<DrainResult>;
  close(): Promise<void>;
}

/**
 * The MessageId of a replayed copy: the original id (without an earlier replay suffix) plus the
 * dead-lettered message's sequence number. Deterministic per dead-lettered message, so repeating
 * an interrupted replay is absorbed by duplicate detection, while a copy that is dead-lettered
 * again (a new sequence number) gets a new id.
 */
export function replayMessageId(originalId: string, sequenceNumber: number): string {
  const base = originalId.replace(/(?::replay:\d+)+$/, "");
  const id = `${base}:replay:${sequenceNumber}`;
  if (id.length <= MAX_MESSAGE_ID) return id;
  const digest = createHash("sha256").update(base).digest("hex").slice(0, 40);
  return `h-${digest}:replay:${sequenceNumber}`;
}

/** The application properties of a message without the ones dead-lettering added. */
export function withoutDeadLetterProperties(
  properties: Readonly<Record<string, unknown>> | undefined,
): Record<string, PropertyValue> {
  const kept: Record<string, PropertyValue> = {};
  for (const [name, value] of Object.entries(properties ?? {})) {
    if (DEAD_LETTER_PROPERTIES.includes(name)) continue;
    kept[name] = propertyValue(value);
  }
  return kept;
}

function propertyValue(value: unknown): PropertyValue {
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean")
    return value;
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value) ?? null;
}

/** A MessageId or CorrelationId (string, number or bytes in AMQP) as text. */
function idText(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "bigint") return value.toString();
  if (Buffer.isBuffer(value)) return value.toString("hex");
  return undefined;
}

function toDeadLetter(message: ServiceBusReceivedMessage): DeadLetter {
  const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
    value === undefined ? {} : ({ [key]: value } as Record<K, string>);
  return {
    sequenceNumber: message.sequenceNumber?.toNumber() ?? 0,
    messageId: idText(message.messageId) ?? "",
    ...optional("enqueuedAt", message.enqueuedTimeUtc?.toISOString()),
    deliveryCount: message.deliveryCount ?? 0,
    ...optional("reason", message.deadLetterReason),
    ...optional("description", message.deadLetterErrorDescription),
    ...optional("subject", message.subject),
    ...optional("contentType", message.contentType),
    ...optional("correlationId", idText(message.correlationId)),
    applicationProperties: withoutDeadLetterProperties(message.applicationProperties),
    body: message.body as unknown,
  };
}

/** The copy a replay sends: same body and properties, no dead-letter properties, a new id. */
function replayCopy(message: ServiceBusReceivedMessage, messageId: string): ServiceBusMessage {
  // The properties keep their AMQP types (timestamps stay timestamps); only the two go.
  const applicationProperties = Object.fromEntries(
    Object.entries(message.applicationProperties ?? {}).filter(
      ([name]) => !DEAD_LETTER_PROPERTIES.includes(name),
    ),
  );
  return {
    body: message.body as unknown,
    messageId,
    applicationProperties,
    ...(message.contentType !== undefined ? { contentType: message.contentType } : {}),
    ...(message.correlationId !== undefined ? { correlationId: message.correlationId } : {}),
    ...(message.subject !== undefined ? { subject: message.subject } : {}),
    ...(message.to !== undefined ? { to: message.to } : {}),
    ...(message.replyTo !== undefined ? { replyTo: message.replyTo } : {}),
    ...(message.timeToLive !== undefined ? { timeToLive: message.timeToLive } : {}),
  };
}

/** Waits so that the n-th action starts no sooner than n / rate seconds after the first. */
class Pacer {
  private readonly started = Date.now();
  private count = 0;

  constructor(private readonly ratePerSecond: number | undefined) {}

  async next(signal: AbortSignal | undefined): Promise<void> {
    const rate = this.ratePerSecond;
    const due = rate === undefined ? 0 : this.started + (this.count * 1000) / rate;
    this.count += 1;
    const wait = due - Date.now();
    if (wait <= 0 || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, wait);
      function done(): void {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    });
  }
}

/** The dead-letter sub-queue of one queue on Service Bus. */
export class ServiceBusDeadLetterQueue implements DeadLetterQueue {
  constructor(
    private readonly client: ServiceBusClient,
    readonly queueName: string,
  ) {}

  async *browse(): AsyncIterable<DeadLetter> {
    const receiver = this.receiver();
    try {
      // The SDK's own peek cursor is shared by every receiver of the entity on one connection,
      // so each browse says where to start instead of continuing someone else's.
      let from = Long.fromNumber(1);
      for (;;) {
        const page = await receiver.peekMessages(PEEK_PAGE, { fromSequenceNumber: from });
        if (page.length === 0) return;
        for (const message of page) {
          const sequenceNumber = message.sequenceNumber;
          if (sequenceNumber !== undefined && sequenceNumber.gte(from)) from = sequenceNumber.add(1);
          yield toDeadLetter(message);
        }
      }
    } finally {
      await receiver.close();
    }
  }

  async find(sequenceNumber: number): Promise<DeadLetter | undefined> {
    const receiver = this.receiver();
    try {
      const [message] = await receiver.peekMessages(1, {
        fromSequenceNumber: Long.fromNumber(sequenceNumber),
      });
      return message?.sequenceNumber?.toNumber() === sequenceNumber ? toDeadLetter(message) : undefined;
    } finally {
      await receiver.close();
    }
  }

  async replay(options: DrainOptions): Promise<DrainResult> {
    const sender = this.client.createSender(this.queueName);
    try {
      return await this.drain(options, async (message) => {
        const sequenceNumber = message.sequenceNumber?.toNumber() ?? 0;
        const resentAs = replayMessageId(idText(message.messageId) ?? "", sequenceNumber);
        await sender.sendMessages(replayCopy(message, resentAs));
        return resentAs;
      });
    } finally {
      await sender.close();
    }
  }

  purge(options: DrainOptions): Promise<DrainResult> {
    return this.drain(options, () => Promise.resolve(undefined));
  }

  close(): Promise<void> {
    // The client belongs to whoever created it; receivers and senders are closed after each use.
    return Promise.resolve();
  }

  private receiver(): ServiceBusReceiver {
    return this.client.createReceiver(this.queueName, {
      subQueueType: "deadLetter",
      receiveMode: "peekLock",
      // Keep the body's bytes exactly as sent: a replay must not re-encode what it cannot parse.
      skipParsingBodyAsJson: true,
      // Keep timestamp properties as timestamps, so a re-sent copy carries them unchanged.
      skipConvertingDate: true,
    });
  }

  /**
   * Receives every message once: matching ones are acted on and completed, the others stay
   * locked (renewed by the SDK) until the pass ends and are then abandoned, so one pass never
   * acts on a message twice, nor on a copy it re-sent itself that was dead-lettered again.
   */
  private async drain(
    options: DrainOptions,
    act: (message: ServiceBusReceivedMessage) => Promise<string | undefined>,
  ): Promise<DrainResult> {
    const receiver = this.receiver();
    const pacer = new Pacer(options.ratePerSecond);
    const max = options.max ?? Number.POSITIVE_INFINITY;
    // Received but not completed: given back when the pass ends, however it ends.
    const unsettled = new Set<ServiceBusReceivedMessage>();
    const seen = new Set<number>();
    // Copies this pass re-sent that were dead-lettered again meanwhile wait for the next pass.
    const resent = new Set<string>();
    const drained: DrainedMessage[] = [];
    let examined = 0;
    const stopRequested = (): boolean => options.signal?.aborted === true;
    try {
      while (!stopRequested() && drained.length < max) {
        const batch = await receiver.receiveMessages(RECEIVE_BATCH, { maxWaitTimeInMs: RECEIVE_WAIT_MS });
        if (batch.length === 0) break;
        for (const message of batch) unsettled.add(message);
        let fresh = 0;
        for (const message of batch) {
          const sequenceNumber = message.sequenceNumber?.toNumber() ?? 0;
          if (seen.has(sequenceNumber) || resent.has(idText(message.messageId) ?? "")) continue;
          if (stopRequested() || drained.length >= max) break;
          seen.add(sequenceNumber);
          fresh += 1;
          examined += 1;
          if (!(await options.match(toDeadLetter(message)))) continue;
          await pacer.next(options.signal);
          const resentAs = await act(message);
          if (resentAs !== undefined) resent.add(resentAs);
          // Should this fail, the copy is out and the original stays: a later replay re-sends
          // the same MessageId, which duplicate detection drops.
          await receiver.completeMessage(message);
          unsettled.delete(message);
          const done: DrainedMessage = {
            sequenceNumber,
            messageId: idText(message.messageId) ?? "",
            ...(resentAs === undefined ? {} : { resentAs }),
          };
          drained.push(done);
          options.onMessage?.(done);
        }
        // Only messages this pass has already seen came back (their locks lapsed): it is done.
        if (fresh === 0) break;
      }
    } finally {
      for (const message of unsettled) {
        // A lock that cannot be given back lapses on its own; the message stays dead-lettered.
        await receiver.abandonMessage(message).catch(() => undefined);
      }
      await receiver.close();
    }
    return {
      examined,
      drained,
      stopped: stopRequested(),
      reachedMax: drained.length >= max,
    };
  }
}
