import rhea, { type Delivery, type Message } from "rhea";
import { BATCH_MESSAGE_FORMAT } from "../codec/annotations.js";
import { decodeBatch, fromDecodedMessage } from "../codec/incoming.js";
import { checkMessageSize } from "../codec/limits.js";
import { AmqpRequestError } from "../errors.js";
import type { IncomingMessage } from "../store/message.js";
import type { QueueEntity } from "../store/queue.js";

function messagesOf(received: unknown, delivery: Delivery): IncomingMessage[] {
  if (Buffer.isBuffer(received)) {
    if (delivery.format !== BATCH_MESSAGE_FORMAT) {
      throw new AmqpRequestError(
        "amqp:not-implemented",
        501,
        `message format ${delivery.format} is not supported`,
      );
    }
    checkMessageSize(received.length);
    return decodeBatch(received);
  }
  const message = received as Message;
  // rhea hands over format-0 messages decoded; re-encoding is the only way to learn their size.
  checkMessageSize(rhea.message.encode(message).length);
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
