import type { ServiceBusClient } from "@azure/service-bus";
import { QueueDepthError } from "../errors.js";
import type { QueueDepths } from "./port.js";

const PEEK_PAGE = 250;
/** Counting stops here; a dead-letter queue this deep fires the rule all the same. */
const COUNT_LIMIT = 100_000;

/**
 * Dead-letter depths by peeking the sub-queue page by page over AMQP and counting. The local
 * emulator speaks AMQP only (no administration API); peeking locks and removes nothing.
 *
 * Each count uses a client of its own: the SDK keeps the peek cursor per entity on the client's
 * connection, not per receiver, so a second count on a shared client would start where the first
 * one stopped and find nothing.
 */
export class PeekQueueDepths implements QueueDepths {
  constructor(
    private readonly connect: () => ServiceBusClient,
    private readonly pageSize = PEEK_PAGE,
    private readonly limit = COUNT_LIMIT,
  ) {}

  async deadLetterDepth(queue: string): Promise<number> {
    const client = this.connect();
    const receiver = client.createReceiver(queue, {
      subQueueType: "deadLetter",
      receiveMode: "peekLock",
      skipParsingBodyAsJson: true,
    });
    try {
      let count = 0;
      // Each peek continues after the last message this receiver peeked.
      while (count < this.limit) {
        const page = await receiver.peekMessages(this.pageSize);
        if (page.length === 0) break;
        count += page.length;
      }
      return Math.min(count, this.limit);
    } catch (error) {
      throw new QueueDepthError(queue, "peeking the dead-letter sub-queue failed", { cause: error });
    } finally {
      await receiver.close().catch(() => undefined);
      await client.close().catch(() => undefined);
    }
  }

  close(): Promise<void> {
    // Each count closes its own client.
    return Promise.resolve();
  }
}
