import type { Message } from "rhea";
import type { Reply } from "../amqp/replies.js";
import { AmqpRequestError } from "../errors.js";
import type { QueueEntity } from "../store/queue.js";
import { receiveBySequenceNumber, renewLocks, updateDisposition } from "./locks.js";
import { cancelScheduledMessages, peekMessages, scheduleMessages } from "./messages.js";
import { failure, notImplemented } from "./reply.js";

type Operation = (request: Message, entity: QueueEntity) => Reply;

const OPERATIONS: Readonly<Record<string, Operation>> = {
  "com.microsoft:peek-message": peekMessages,
  "com.microsoft:schedule-message": scheduleMessages,
  "com.microsoft:cancel-scheduled-message": cancelScheduledMessages,
  "com.microsoft:renew-lock": renewLocks,
  "com.microsoft:update-disposition": updateDisposition,
  "com.microsoft:receive-by-sequence-number": receiveBySequenceNumber,
};

/**
 * Answers a request sent to an entity's `$management` node. Session, rule and batch-delete
 * operations are not emulated and answer 501.
 */
export function handleManagementRequest(request: Message, entity: QueueEntity): Reply {
  const operation: unknown = request.application_properties?.operation;
  const handler = typeof operation === "string" ? OPERATIONS[operation] : undefined;
  if (!handler) return notImplemented(String(operation));
  try {
    return handler(request, entity);
  } catch (error) {
    if (error instanceof AmqpRequestError) return failure(error);
    throw error;
  }
}
