import rhea, { type Delivery, type Message } from "rhea";
import { BATCH_MESSAGE_FORMAT } from "../codec/annotations.js";
import { decodeBatch, fromDecodedMessage } from "../codec/incoming.js";
import { AmqpRequestError } from "../errors.js";
import type { IncomingMessage } from "../store/message.js";
import type { QueueEntity } from "../store/queue.js";

/**
 * Standard-tier limit for one message or batch; announced as the link's max-message-size so that
 * `createMessageBatch` sizes batches the way it would against Azure.
 */
export const MAX_MESSAGE_SIZE_BYTES = 256 * 1024;

function tooLarge(size: number): AmqpRequestError {
  return new AmqpRequestError(
    "amqp:link:message-size-exceeded",
    413,
    `The received message (${size} bytes) exceeds the limit of ${MAX_MESSAGE_SIZE_BYTES} bytes.`,
  );
}

function messagesOf(received: unknown, delivery: Delivery): IncomingMessage[] {
  if (Buffer.isBuffer(received)) {
    if (delivery.format !== BATCH_MESSAGE_FORMAT) {
      throw new AmqpRequestError(
        "amqp:not-implemented",
        501,
        `message format ${delivery.format} is not supported`,
      );
    }
    if (received.length > MAX_MESSAGE_SIZE_BYTES) throw tooLarge(received.length);
    return decodeBatch(received);
  }
  const message = received as Message;
  // rhea hands over format-0 messages decoded; re-encoding is the only way to learn their size.
  const size = rhea.message.encode(message).length;
  if (size > MAX_MESSAGE_SIZE_BYTES) throw tooLarge(size);
  return [fromDecodedMessage(message)];
}

/**
 * Takes one transfer from a sender link into `entity`: a single message or a batch. The delivery
 * is accepted once every message is stored (or dropped as a duplicate), rejected otherwise.
 */
export function acceptTransfer(received: unknown, delivery: Delivery, entity: QueueEntity): void {
  try {
    for (const message of messagesOf(received, delivery)) entity.enqueue(message);
    delivery.accept();
  } catch (error) {
    if (!(error instanceof AmqpRequestError)) throw error;
    delivery.reject({ condition: error.condition, description: error.message });
  }
}
