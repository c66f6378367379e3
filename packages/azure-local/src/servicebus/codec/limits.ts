import { AmqpRequestError } from "../errors.js";

/**
 * Standard-tier limit for one message or batch; announced as the link's max-message-size so that
 * `createMessageBatch` sizes batches the way it would against Azure.
 */
export const MAX_MESSAGE_SIZE_BYTES = 256 * 1024;

/** Refuses an encoded message or batch over the limit; the SDK reports it as MessageSizeExceeded. */
export function checkMessageSize(size: number): void {
  if (size <= MAX_MESSAGE_SIZE_BYTES) return;
  throw new AmqpRequestError(
    "amqp:link:message-size-exceeded",
    413,
    `The received message (${size} bytes) exceeds the limit of ${MAX_MESSAGE_SIZE_BYTES} bytes.`,
  );
}
