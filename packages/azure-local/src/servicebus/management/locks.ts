import type { Message } from "rhea";
import rhea from "rhea";
import type { Reply } from "../amqp/replies.js";
import { encodeStoredMessage } from "../codec/outgoing.js";
import { AmqpRequestError } from "../errors.js";
import type { QueueEntity, Settlement } from "../store/queue.js";
import {
  readLockTokens,
  readOptionalMap,
  readOptionalString,
  readSequenceNumbers,
  requestBody,
} from "./fields.js";
import { ok } from "./reply.js";

// AMQP type code of a timestamp, for the typed array renew-lock answers with.
const TIMESTAMP = 0x83;

function lockLost(): AmqpRequestError {
  return new AmqpRequestError(
    "com.microsoft:message-lock-lost",
    410,
    "The lock supplied is invalid. Either the lock expired, or the message has already been removed from the queue.",
  );
}

/** `renew-lock`: extends each lock by the queue's lock duration. */
export function renewLocks(request: Message, entity: QueueEntity): Reply {
  const tokens = readLockTokens(requestBody(request)["lock-tokens"], "lock-tokens");
  const expirations = tokens.map((token) => {
    const until = entity.renewLock(token);
    if (until === undefined) throw lockLost();
    return new Date(until);
  });
  return ok({ expirations: rhea.types.wrap_array(expirations, TIMESTAMP, undefined) });
}

function settlementFor(body: Record<string, unknown>): Settlement {
  const status = readOptionalString(body["disposition-status"], "disposition-status");
  const properties = readOptionalMap(body["properties-to-modify"], "properties-to-modify");
  switch (status) {
    case "completed":
      return { kind: "complete" };
    case "abandoned":
      return { kind: "abandon", properties };
    case "defered":
      return { kind: "defer", properties };
    case "suspended":
      return {
        kind: "deadLetter",
        reason: readOptionalString(body["deadletter-reason"], "deadletter-reason"),
        description: readOptionalString(body["deadletter-description"], "deadletter-description"),
        properties,
      };
    default:
      throw new AmqpRequestError(
        "com.microsoft:argument-error",
        400,
        `unknown disposition-status ${String(status)}`,
      );
  }
}

/** `update-disposition`: settles by lock token (deferred messages, or after the receive link closed). */
export function updateDisposition(request: Message, entity: QueueEntity): Reply {
  const body = requestBody(request);
  const settlement = settlementFor(body);
  const tokens = readLockTokens(body["lock-tokens"], "lock-tokens");
  const lost = tokens.filter((token) => !entity.settle(token, settlement));
  if (lost.length > 0) throw lockLost();
  return ok();
}

/** `receive-by-sequence-number`: hands out deferred messages, locked unless receive-and-delete. */
export function receiveBySequenceNumber(request: Message, entity: QueueEntity): Reply {
  const body = requestBody(request);
  const sequenceNumbers = readSequenceNumbers(body["sequence-numbers"], "sequence-numbers");
  const receiveAndDelete = body["receiver-settle-mode"] === 0;
  const messages = receiveAndDelete
    ? entity.takeDeferred(sequenceNumbers)
    : entity.lockDeferred(sequenceNumbers);
  return ok({
    messages: messages.map((message) => {
      const entry: Record<string, unknown> = {
        message: encodeStoredMessage(message, { lockedUntil: message.lock?.until }),
      };
      if (message.lock) entry["lock-token"] = rhea.types.wrap_uuid(message.lock.token);
      return entry;
    }),
  });
}
