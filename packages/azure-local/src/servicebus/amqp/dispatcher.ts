import type { StoredMessage } from "../store/message.js";
import type { QueueEntity } from "../store/queue.js";

export type ReceiveMode = "peekLock" | "receiveAndDelete";

/** Something that takes messages from an entity as long as it has credit. */
export interface MessageConsumer {
  readonly mode: ReceiveMode;
  /** How many messages it can take right now. */
  capacity(): number;
  /** Hands over a message that is already locked (peek-lock) or removed (receive-and-delete). */
  deliver(message: StoredMessage): void;
}

/**
 * Serves one entity's receivers in turn. Each message is locked or removed before it is handed
 * over, on one thread, so no message ever goes to two receivers at once.
 */
export class EntityDispatcher {
  private readonly consumers = new Set<MessageConsumer>();
  private readonly unsubscribe: () => void;
  private cursor = 0;
  private pumping = false;
  private again = false;

  constructor(private readonly entity: QueueEntity) {
    this.unsubscribe = entity.onAvailable(() => this.pump());
  }

  add(consumer: MessageConsumer): void {
    this.consumers.add(consumer);
  }

  remove(consumer: MessageConsumer): void {
    this.consumers.delete(consumer);
  }

  get consumerCount(): number {
    return this.consumers.size;
  }

  /** Serves every receiver with credit until messages or credit run out. */
  pump(): void {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        this.servePass();
      } while (this.again);
    } finally {
      this.pumping = false;
    }
  }

  /** Gives one receiver up to `limit` messages (used when it drains its credit). */
  serve(consumer: MessageConsumer, limit: number): number {
    let served = 0;
    while (served < limit) {
      const message = this.take(consumer);
      if (!message) break;
      consumer.deliver(message);
      served += 1;
    }
    return served;
  }

  /** Stops listening to the entity. */
  close(): void {
    this.unsubscribe();
    this.consumers.clear();
  }

  private servePass(): void {
    const consumers = [...this.consumers];
    let idle = 0;
    while (consumers.length > 0 && idle < consumers.length && this.entity.hasAvailable()) {
      const consumer = consumers[this.cursor++ % consumers.length];
      if (!consumer || consumer.capacity() <= 0) {
        idle += 1;
        continue;
      }
      const message = this.take(consumer);
      if (!message) return;
      consumer.deliver(message);
      idle = 0;
    }
  }

  private take(consumer: MessageConsumer): StoredMessage | undefined {
    return consumer.mode === "peekLock" ? this.entity.lockNext() : this.entity.takeNext();
  }
}
