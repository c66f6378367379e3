import { AmqpRequestError } from "../errors.js";
import { DEAD_LETTER_PROPERTY } from "../codec/annotations.js";
import { lockTokenKey, newLockToken } from "../codec/lock-token.js";
import type { Clock } from "./clock.js";
import { DuplicateWindow } from "./duplicates.js";
import { MinHeap } from "./heap.js";
import type { IncomingMessage, QueueStats, StoredMessage } from "./message.js";
import type { Timeline } from "./timeline.js";

export interface QueueEntityOptions {
  /** Entity path: the queue name, or `<queue>/$deadletterqueue`. */
  readonly path: string;
  readonly lockDurationMs: number;
  /** Deliveries after which a message is dead-lettered; Infinity in a dead-letter sub-queue. */
  readonly maxDeliveryCount: number;
  /** 0 turns duplicate detection off. */
  readonly duplicateWindowMs: number;
  /** Infinity: messages never expire (the dead-letter sub-queue ignores TTL). */
  readonly defaultTtlMs: number;
  readonly deadLetterOnExpiration: boolean;
  /** Where dead-lettered messages go; absent for a dead-letter sub-queue itself. */
  readonly deadLetterQueue: QueueEntity | undefined;
  readonly clock: Clock;
  readonly timeline: Timeline;
}

/** How a locked message was settled. Property maps become application properties. */
export type Settlement =
  | { readonly kind: "complete" }
  | { readonly kind: "abandon"; readonly properties?: Readonly<Record<string, unknown>> }
  | { readonly kind: "defer"; readonly properties?: Readonly<Record<string, unknown>> }
  | {
      readonly kind: "deadLetter";
      readonly reason?: string;
      readonly description?: string;
      readonly properties?: Readonly<Record<string, unknown>>;
    }
  /** Handed back without counting as a delivery attempt (AMQP released). */
  | { readonly kind: "release" };

/** Reasons Service Bus itself writes into DeadLetterReason. */
export const DEAD_LETTER_REASON = {
  maxDeliveryCount: "MaxDeliveryCountExceeded",
  expired: "TTLExpiredException",
} as const;

function deadLetterRefused(sequenceNumber: number): AmqpRequestError {
  return new AmqpRequestError(
    "amqp:not-allowed",
    400,
    `The message with sequence number ${sequenceNumber} is in a dead-letter sub-queue and cannot be dead-lettered again.`,
  );
}

function messageNotFound(sequenceNumber: number): AmqpRequestError {
  return new AmqpRequestError(
    "com.microsoft:message-not-found",
    410,
    `Failed to lock one or more specified messages: the message with sequence number ${sequenceNumber} is not deferred or not found.`,
  );
}

/**
 * One queue (or dead-letter sub-queue): its messages, their states and locks, sequence numbers,
 * duplicate detection, TTL, scheduling and dead-lettering. It knows nothing about AMQP; listeners
 * hear when a message becomes available so that waiting receivers can be served.
 */
export class QueueEntity {
  readonly path: string;
  private readonly messages = new Map<number, StoredMessage>();
  // Sequence numbers of active, unlocked messages; stale entries are skipped when popped.
  private readonly available = new MinHeap<number>((a, b) => a - b);
  private readonly locks = new Map<string, StoredMessage>();
  private readonly duplicates: DuplicateWindow | undefined;
  private readonly listeners = new Set<() => void>();
  private nextSequenceNumber = 1;

  constructor(private readonly options: QueueEntityOptions) {
    this.path = options.path;
    this.duplicates =
      options.duplicateWindowMs > 0 ? new DuplicateWindow(options.duplicateWindowMs) : undefined;
  }

  /** The lock duration new locks get, in milliseconds. */
  get lockDurationMs(): number {
    return this.options.lockDurationMs;
  }

  /** Calls `listener` whenever a message becomes available; returns the unsubscribe function. */
  onAvailable(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Accepts a sent message. Returns its sequence number, or undefined when duplicate detection
   * dropped it (the sender is still told it was accepted).
   */
  enqueue(incoming: IncomingMessage): number | undefined {
    const now = this.options.clock.now();
    if (this.isDuplicate(incoming, now)) return undefined;
    const at = incoming.scheduledEnqueueTime;
    if (at !== undefined && at > now) return this.addScheduled(incoming, at, now);
    return this.addActive(incoming, now);
  }

  /** Schedules a message for `at`; it stays invisible to receivers until then. */
  schedule(incoming: IncomingMessage, at: number): number {
    const now = this.options.clock.now();
    if (this.isDuplicate(incoming, now)) return this.nextSequenceNumber++;
    if (at <= now) return this.addActive(incoming, now);
    return this.addScheduled(incoming, at, now);
  }

  /** Removes a scheduled message before it is enqueued; unknown numbers are ignored. */
  cancelScheduled(sequenceNumber: number): void {
    const message = this.messages.get(sequenceNumber);
    if (message?.state === "scheduled") this.messages.delete(sequenceNumber);
  }

  /** Locks the next available message for a peek-lock receiver. */
  lockNext(): StoredMessage | undefined {
    const message = this.popAvailable();
    if (message) this.lock(message);
    return message;
  }

  /** Removes and returns the next available message for a receive-and-delete receiver. */
  takeNext(): StoredMessage | undefined {
    const message = this.popAvailable();
    if (message) this.messages.delete(message.sequenceNumber);
    return message;
  }

  /** Whether a message is waiting for a receiver. */
  hasAvailable(): boolean {
    return this.available.size > 0;
  }

  /**
   * Settles the message locked by `lockToken`. Returns false when that lock is no longer held
   * (it expired, or the message was settled already): the caller reports MessageLockLost. Throws
   * an AmqpRequestError when Service Bus refuses the settlement: dead-lettering a message that is
   * already in a dead-letter sub-queue. The message is then free for receivers again, its delivery
   * count unchanged.
   */
  settle(lockToken: Buffer, settlement: Settlement): boolean {
    const message = this.heldLock(lockToken);
    if (!message) return false;
    this.unlock(message);
    if (settlement.kind === "deadLetter" && this.isDeadLetterSubQueue) {
      this.putBack(message);
      throw deadLetterRefused(message.sequenceNumber);
    }
    switch (settlement.kind) {
      case "complete":
        this.messages.delete(message.sequenceNumber);
        return true;
      case "release":
        this.putBack(message);
        return true;
      case "abandon":
        this.applyProperties(message, settlement.properties);
        // Service Bus keeps the count of a message abandoned in a dead-letter sub-queue.
        if (!this.isDeadLetterSubQueue) message.deliveryCount += 1;
        this.afterFailedDelivery(message);
        return true;
      case "defer":
        // A deferral ends a delivery like an abandon does: the count goes up, and a message that
        // reaches the queue's maxDeliveryCount is dead-lettered rather than deferred.
        this.applyProperties(message, settlement.properties);
        message.state = "deferred";
        message.deliveryCount += 1;
        this.afterFailedDelivery(message);
        return true;
      case "deadLetter":
        this.applyProperties(message, settlement.properties);
        this.deadLetter(message, settlement.reason, settlement.description);
        return true;
    }
  }

  /** Extends a held lock by the lock duration; undefined when the lock is lost. */
  renewLock(lockToken: Buffer): number | undefined {
    const message = this.heldLock(lockToken);
    if (!message?.lock) return undefined;
    const lock = message.lock;
    lock.until = this.options.clock.now() + this.options.lockDurationMs;
    this.options.timeline.at(lock.until, () => this.onLockDue(message, lock.key));
    return lock.until;
  }

  /** Up to `count` messages from `fromSequenceNumber` on, in sequence order, in any state. */
  peek(fromSequenceNumber: number, count: number): StoredMessage[] {
    const now = this.options.clock.now();
    const found: StoredMessage[] = [];
    for (const message of [...this.messages.values()]) {
      if (message.sequenceNumber < fromSequenceNumber) continue;
      if (this.expireIfDue(message, now)) continue;
      found.push(message);
    }
    found.sort((a, b) => a.sequenceNumber - b.sequenceNumber);
    return found.slice(0, count);
  }

  /** Locks deferred messages by sequence number (receiveDeferredMessages in peek-lock mode). */
  lockDeferred(sequenceNumbers: readonly number[]): StoredMessage[] {
    const messages = sequenceNumbers.map((sequenceNumber) => this.deferred(sequenceNumber));
    for (const message of messages) this.lock(message);
    return messages;
  }

  /** Removes deferred messages by sequence number (receiveDeferredMessages, receive-and-delete). */
  takeDeferred(sequenceNumbers: readonly number[]): StoredMessage[] {
    const messages = sequenceNumbers.map((sequenceNumber) => this.deferred(sequenceNumber));
    for (const message of messages) this.messages.delete(message.sequenceNumber);
    return messages;
  }

  /** Counts by state; `deadLetter` counts the dead-letter sub-queue. Lapsed locks and TTLs apply first. */
  stats(): QueueStats {
    const now = this.options.clock.now();
    for (const message of [...this.messages.values()]) {
      if (message.lock && message.lock.until <= now) this.onLockDue(message, message.lock.key);
      else this.expireIfDue(message, now);
    }
    const stats: QueueStats = { active: 0, scheduled: 0, deferred: 0, locked: 0, deadLetter: 0 };
    for (const message of this.messages.values()) {
      if (message.state === "scheduled") stats.scheduled += 1;
      else if (message.lock) stats.locked += 1;
      else if (message.state === "deferred") stats.deferred += 1;
      else stats.active += 1;
    }
    stats.deadLetter = this.options.deadLetterQueue?.size ?? 0;
    return stats;
  }

  /** Number of messages held, in any state. */
  get size(): number {
    return this.messages.size;
  }

  /** Whether this is a queue's dead-letter sub-queue (it has nowhere to dead-letter to). */
  get isDeadLetterSubQueue(): boolean {
    return this.options.deadLetterQueue === undefined;
  }

  /** Takes a message dead-lettered from the parent queue, keeping its sequence number. */
  receiveDeadLettered(
    source: StoredMessage,
    reason: string | undefined,
    description: string | undefined,
  ): void {
    const changes: Record<string, unknown> = { ...source.propertyChanges };
    if (reason !== undefined) changes[DEAD_LETTER_PROPERTY.reason] = reason;
    if (description !== undefined) changes[DEAD_LETTER_PROPERTY.description] = description;
    const message: StoredMessage = {
      sequenceNumber: source.sequenceNumber,
      payload: source.payload,
      timeToLiveMs: source.timeToLiveMs,
      scheduledAt: undefined,
      state: "active",
      enqueuedAt: source.enqueuedAt,
      expiresAt: Number.POSITIVE_INFINITY,
      deliveryCount: source.deliveryCount,
      lock: undefined,
      propertyChanges: changes,
    };
    this.messages.set(message.sequenceNumber, message);
    this.makeAvailable(message);
  }

  private isDuplicate(incoming: IncomingMessage, now: number): boolean {
    const key = incoming.duplicateKey;
    return this.duplicates !== undefined && key !== undefined && this.duplicates.isDuplicate(key, now);
  }

  private newMessage(incoming: IncomingMessage, now: number, scheduledAt: number | undefined): StoredMessage {
    const message: StoredMessage = {
      sequenceNumber: this.nextSequenceNumber++,
      payload: incoming.payload,
      timeToLiveMs: incoming.timeToLiveMs,
      scheduledAt,
      state: scheduledAt === undefined ? "active" : "scheduled",
      enqueuedAt: now,
      expiresAt: Number.POSITIVE_INFINITY,
      deliveryCount: 0,
      lock: undefined,
      propertyChanges: undefined,
    };
    this.messages.set(message.sequenceNumber, message);
    return message;
  }

  private addActive(incoming: IncomingMessage, now: number): number {
    const message = this.newMessage(incoming, now, undefined);
    this.activate(message, now);
    return message.sequenceNumber;
  }

  private addScheduled(incoming: IncomingMessage, at: number, now: number): number {
    const message = this.newMessage(incoming, now, at);
    this.options.timeline.at(at, () => {
      if (this.messages.get(message.sequenceNumber) === message && message.state === "scheduled") {
        this.activate(message, this.options.clock.now());
      }
    });
    return message.sequenceNumber;
  }

  private activate(message: StoredMessage, now: number): void {
    message.state = "active";
    message.enqueuedAt = now;
    const ttl = Math.min(message.timeToLiveMs ?? Number.POSITIVE_INFINITY, this.options.defaultTtlMs);
    // No timer: like Service Bus, expired messages are purged when someone receives, peeks or
    // counts, which also keeps a long TTL from pinning settled messages in memory.
    message.expiresAt = now + ttl;
    this.makeAvailable(message);
  }

  private makeAvailable(message: StoredMessage): void {
    this.available.push(message.sequenceNumber);
    for (const listener of this.listeners) listener();
  }

  private popAvailable(): StoredMessage | undefined {
    const now = this.options.clock.now();
    for (
      let sequenceNumber = this.available.pop();
      sequenceNumber !== undefined;
      sequenceNumber = this.available.pop()
    ) {
      const message = this.messages.get(sequenceNumber);
      if (!message || message.state !== "active" || message.lock) continue;
      if (this.expireIfDue(message, now)) continue;
      return message;
    }
    return undefined;
  }

  private deferred(sequenceNumber: number): StoredMessage {
    const message = this.messages.get(sequenceNumber);
    if (!message || message.state !== "deferred" || message.lock) throw messageNotFound(sequenceNumber);
    if (this.expireIfDue(message, this.options.clock.now())) throw messageNotFound(sequenceNumber);
    return message;
  }

  private lock(message: StoredMessage): void {
    const token = newLockToken();
    const lock = {
      token,
      key: lockTokenKey(token),
      until: this.options.clock.now() + this.options.lockDurationMs,
    };
    message.lock = lock;
    this.locks.set(lock.key, message);
    this.options.timeline.at(lock.until, () => this.onLockDue(message, lock.key));
  }

  private unlock(message: StoredMessage): void {
    if (message.lock) this.locks.delete(message.lock.key);
    message.lock = undefined;
  }

  /** The message whose lock `lockToken` still holds; an expired lock is released on the way. */
  private heldLock(lockToken: Buffer): StoredMessage | undefined {
    const key = lockTokenKey(lockToken);
    const message = this.locks.get(key);
    if (!message?.lock || message.lock.key !== key) return undefined;
    if (message.lock.until <= this.options.clock.now()) {
      this.onLockDue(message, key);
      return undefined;
    }
    return message;
  }

  private onLockDue(message: StoredMessage, key: string): void {
    const lock = message.lock;
    if (lock?.key !== key || lock.until > this.options.clock.now()) return;
    this.unlock(message);
    message.deliveryCount += 1;
    this.afterFailedDelivery(message);
  }

  private afterFailedDelivery(message: StoredMessage): void {
    const max = this.options.maxDeliveryCount;
    if (message.deliveryCount >= max) {
      this.deadLetter(
        message,
        DEAD_LETTER_REASON.maxDeliveryCount,
        `Message could not be consumed after ${max} delivery attempts.`,
      );
    } else {
      this.putBack(message);
    }
  }

  private putBack(message: StoredMessage): void {
    if (this.expireIfDue(message, this.options.clock.now())) return;
    if (message.state === "active") this.makeAvailable(message);
  }

  /** Expires an unlocked, enqueued message whose time is up; true when it did. */
  private expireIfDue(message: StoredMessage, now: number): boolean {
    if (message.lock || message.state === "scheduled" || message.expiresAt > now) return false;
    if (this.options.deadLetterOnExpiration) {
      this.deadLetter(message, DEAD_LETTER_REASON.expired, "The message expired and was dead lettered.");
    } else {
      this.messages.delete(message.sequenceNumber);
    }
    return true;
  }

  private deadLetter(
    message: StoredMessage,
    reason: string | undefined,
    description: string | undefined,
  ): void {
    const target = this.options.deadLetterQueue;
    if (!target) {
      // A dead-letter sub-queue has nowhere further to send a message (it neither expires messages
      // nor has a maxDeliveryCount, and refuses a client's dead-letter); it stays where it is.
      this.putBack(message);
      return;
    }
    this.messages.delete(message.sequenceNumber);
    target.receiveDeadLettered(message, reason, description);
  }

  private applyProperties(
    message: StoredMessage,
    properties: Readonly<Record<string, unknown>> | undefined,
  ): void {
    if (!properties || Object.keys(properties).length === 0) return;
    message.propertyChanges = { ...message.propertyChanges, ...properties };
  }
}
