import type { Message } from "rhea";
import type { Logger } from "../../logger.js";
import type { ConnectionState } from "./connection-state.js";

/** A response to a `$cbs` or `$management` request. */
export interface Reply {
  readonly applicationProperties: Record<string, unknown>;
  readonly body?: unknown;
}

/** Sends `reply` on the link the request named in `reply_to`, correlated by its message id. */
export function sendReply(state: ConnectionState, request: Message, reply: Reply, logger: Logger): void {
  const replyTo = request.reply_to;
  const link = typeof replyTo === "string" ? state.replyLink(replyTo) : undefined;
  if (!link) {
    logger.warn("no reply link for request", { connection: state.id, replyTo });
    return;
  }
  link.send({
    body: reply.body ?? null,
    correlation_id: request.message_id,
    application_properties: reply.applicationProperties,
  });
}
