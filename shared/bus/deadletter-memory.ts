import {
  replayMessageId,
  withoutDeadLetterProperties,
  type DeadLetter,
  type DeadLetterQueue,
  type DrainOptions,
  type DrainResult,
  type DrainedMessage,
} from "./deadletter.js";

/** A message the in-memory fake re-sent to its queue. */
export interface ResentMessage {
  readonly messageId: string;
  readonly body: unknown;
  readonly applicationProperties: DeadLetter["applicationProperties"];
}

/**
 * In-memory DeadLetterQueue for unit tests: the same matching, limits and MessageIds as the
 * Service Bus adapter, with the broker's duplicate detection on the re-sent copies.
 */
export class InMemoryDeadLetterQueue implements DeadLetterQueue {
  readonly resent: ResentMessage[] = [];
  private readonly messages = new Map<number, DeadLetter>();
  private readonly resentIds = new Set<string>();

  constructor(readonly queueName = "moves") {}

  /** Adds a dead-lettered message (tests build them with whatever reason and body they need). */
  add(message: DeadLetter): void {
    this.messages.set(message.sequenceNumber, {
      ...message,
      applicationProperties: withoutDeadLetterProperties(message.applicationProperties),
    });
  }

  /** How many messages are dead-lettered. */
  get size(): number {
    return this.messages.size;
  }

  async *browse(): AsyncIterable<DeadLetter> {
    for (const message of this.sorted()) {
      await Promise.resolve();
      yield message;
    }
  }

  find(sequenceNumber: number): Promise<DeadLetter | undefined> {
    return Promise.resolve(this.messages.get(sequenceNumber));
  }

  replay(options: DrainOptions): Promise<DrainResult> {
    return this.drain(options, (message) => {
      const messageId = replayMessageId(message.messageId, message.sequenceNumber);
      if (!this.resentIds.has(messageId)) {
        this.resentIds.add(messageId);
        this.resent.push({
          messageId,
          body: message.body,
          applicationProperties: message.applicationProperties,
        });
      }
      return messageId;
    });
  }

  purge(options: DrainOptions): Promise<DrainResult> {
    return this.drain(options, () => undefined);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private sorted(): DeadLetter[] {
    return [...this.messages.values()].sort((a, b) => a.sequenceNumber - b.sequenceNumber);
  }

  private async drain(
    options: DrainOptions,
    act: (message: DeadLetter) => string | undefined,
  ): Promise<DrainResult> {
    const max = options.max ?? Number.POSITIVE_INFINITY;
    const drained: DrainedMessage[] = [];
    let examined = 0;
    for (const message of this.sorted()) {
      if (options.signal?.aborted === true || drained.length >= max) break;
      examined += 1;
      if (!(await options.match(message))) continue;
      await Promise.resolve();
      const resentAs = act(message);
      this.messages.delete(message.sequenceNumber);
      const done: DrainedMessage = {
        sequenceNumber: message.sequenceNumber,
        messageId: message.messageId,
        ...(resentAs === undefined ? {} : { resentAs }),
      };
      drained.push(done);
      options.onMessage?.(done);
    }
    return {
      examined,
      drained,
      stopped: options.signal?.aborted === true,
      reachedMax: drained.length >= max,
    };
  }
}
