import { MAX_MESSAGE_ID, moveMessageId, type MoveMessage } from "./messages.js";
import type { MoveQueue } from "./port.js";

/** The SDK refuses such a message before sending anything; so does the fake. */
function messageIdTooLong(id: string): RangeError {
  return new RangeError(`MessageId ${id} is longer than ${MAX_MESSAGE_ID} characters`);
}

/** In-memory MoveQueue for unit tests; drops duplicates by MessageId as the broker does. */
export class InMemoryMoveQueue implements MoveQueue {
  readonly sent: MoveMessage[] = [];
  readonly scheduled: { message: MoveMessage; at: Date }[] = [];
  private readonly seen = new Set<string>();

  send(messages: readonly MoveMessage[]): Promise<void> {
    // As the SDK, refuse the whole batch when one MessageId is too long.
    const ids = messages.map(moveMessageId);
    const tooLong = ids.find((id) => id.length > MAX_MESSAGE_ID);
    if (tooLong !== undefined) return Promise.reject(messageIdTooLong(tooLong));
    for (const [index, message] of messages.entries()) {
      const id = ids[index] ?? moveMessageId(message);
      if (this.seen.has(id)) continue;
      this.seen.add(id);
      this.sent.push(message);
    }
    return Promise.resolve();
  }

  schedule(message: MoveMessage, at: Date): Promise<void> {
    const id = moveMessageId(message);
    if (id.length > MAX_MESSAGE_ID) return Promise.reject(messageIdTooLong(id));
    if (!this.seen.has(id)) {
      this.seen.add(id);
      this.scheduled.push({ message, at });
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
