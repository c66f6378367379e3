import type { Reply } from "../amqp/replies.js";
import { AmqpRequestError } from "../errors.js";

/** A successful management reply; 204 (no content) carries no body. */
export function ok(body?: Record<string, unknown>): Reply {
  if (body === undefined) return { applicationProperties: { statusCode: 200, statusDescription: "OK" } };
  return { applicationProperties: { statusCode: 200, statusDescription: "OK" }, body };
}

export function noContent(): Reply {
  return { applicationProperties: { statusCode: 204, statusDescription: "No Content" } };
}

/** A failed management reply, with the condition the SDK maps to its error codes. */
export function failure(error: AmqpRequestError): Reply {
  return {
    applicationProperties: {
      statusCode: error.statusCode,
      statusDescription: error.message,
      errorCondition: error.condition,
    },
  };
}

export function notImplemented(operation: string): Reply {
  return failure(
    new AmqpRequestError("amqp:not-implemented", 501, `The emulator does not implement ${operation}.`),
  );
}
