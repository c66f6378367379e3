import type { Message } from "rhea";

/** What a sender handed over, as the store needs it. */
export interface IncomingMessage {
  /** The message as decoded; the store never changes it, encoding adds the broker's parts. */
  readonly payload: Message;
  /** MessageId as a duplicate-detection key, when the message has one. */
  readonly duplicateKey: string | undefined;
  /** The message's own time to live (header ttl), if any. */
  readonly timeToLiveMs: number | undefined;
  /** The `x-opt-scheduled-enqueue-time` the sender asked for, if any. */
  readonly scheduledEnqueueTime: number | undefined;
}

export type MessageState = "active" | "deferred" | "scheduled";

/** A peek-lock held on a message; `token` is in RFC 4122 byte order. */
export interface MessageLock {
  readonly token: Buffer;
  readonly key: string;
  until: number;
}

/** One message in a queue or its dead-letter sub-queue. */
export interface StoredMessage {
  readonly sequenceNumber: number;
  readonly payload: Message;
  readonly timeToLiveMs: number | undefined;
  readonly scheduledAt: number | undefined;
  state: MessageState;
  enqueuedAt: number;
  expiresAt: number;
  /**
   * Deliveries that ended without the message leaving the queue (abandon, defer, lock expiry);
   * the AMQP header's count.
   */
  deliveryCount: number;
  lock: MessageLock | undefined;
  /** Application properties set by the broker or by a disposition (dead-letter reason, ...). */
  propertyChanges: Readonly<Record<string, unknown>> | undefined;
}

/** Counts of a queue's messages by state. */
export interface QueueStats {
  active: number;
  scheduled: number;
  deferred: number;
  locked: number;
  deadLetter: number;
}
