import type { Message } from "rhea";
import rhea from "rhea";
import type { Reply } from "../amqp/replies.js";
import { decodeMessage } from "../codec/incoming.js";
import { checkMessageSize } from "../codec/limits.js";
import { encodeStoredMessage } from "../codec/outgoing.js";
import { AmqpRequestError } from "../errors.js";
import type { QueueEntity } from "../store/queue.js";
import { readList, readLong, readPositiveInt, readSequenceNumbers, requestBody } from "./fields.js";
import { noContent, ok } from "./reply.js";

// AMQP type code of a long, for typed arrays in replies.
const LONG = 0x81;

/** `peek-message`: messages in any state from a sequence number on; 204 when there are none. */
export function peekMessages(request: Message, entity: QueueEntity): Reply {
  const body = requestBody(request);
  const from = readLong(body["from-sequence-number"], "from-sequence-number");
  const count = readPositiveInt(body["message-count"], "message-count");
  const messages = entity.peek(from, count);
  if (messages.length === 0) return noContent();
  return ok({
    messages: messages.map((message) => ({
      message: encodeStoredMessage(message, { lockedUntil: message.lock?.until }),
    })),
  });
}

/** `schedule-message`: each entry holds an encoded message whose annotations carry the time. */
export function scheduleMessages(request: Message, entity: QueueEntity): Reply {
  const entries = readList(requestBody(request).messages, "messages");
  const decoded = entries.map((entry) => {
    const bytes: unknown =
      typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>).message : undefined;
    if (!Buffer.isBuffer(bytes)) {
      throw new AmqpRequestError(
        "com.microsoft:argument-error",
        400,
        "each scheduled entry needs an encoded message",
      );
    }
    // Service Bus holds a scheduled message to the same size limit as a sent one.
    checkMessageSize(bytes.length);
    const message = decodeMessage(bytes);
    if (message.scheduledEnqueueTime === undefined) {
      throw new AmqpRequestError(
        "com.microsoft:argument-error",
        400,
        "a scheduled message needs x-opt-scheduled-enqueue-time",
      );
    }
    return { message, at: message.scheduledEnqueueTime };
  });
  const sequenceNumbers = decoded.map(({ message, at }) => entity.schedule(message, at));
  return ok({ "sequence-numbers": rhea.types.wrap_array(sequenceNumbers, LONG, undefined) });
}

/** `cancel-scheduled-message`: drops scheduled messages by sequence number. */
export function cancelScheduledMessages(request: Message, entity: QueueEntity): Reply {
  const sequenceNumbers = readSequenceNumbers(requestBody(request)["sequence-numbers"], "sequence-numbers");
  for (const sequenceNumber of sequenceNumbers) entity.cancelScheduled(sequenceNumber);
  return ok();
}
