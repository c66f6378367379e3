import type { Message } from "rhea";
import { entityPathOf, scopeCovers } from "../amqp/address.js";
import type { Reply } from "../amqp/replies.js";
import { SasTokenError } from "../errors.js";
import { verifySasToken, type SasGrant, type SasKey } from "./sas.js";

const SAS_TOKEN_TYPE = "servicebus.windows.net:sastoken";

export interface PutTokenContext {
  readonly key: SasKey;
  readonly now: number;
  /** Whether the entity at a path (queue, sub-queue or its `$management` node) exists. */
  readonly entityExists: (path: string) => boolean;
}

/** The outcome of a `put-token` request: the reply, and the grant when the token was accepted. */
export interface PutTokenResult {
  readonly reply: Reply;
  readonly grant?: SasGrant;
}

function status(code: number, description: string): Reply {
  return { applicationProperties: { "status-code": code, "status-description": description } };
}

/**
 * Answers a CBS `put-token` request: the token must be a SAS token signed with the emulator's key
 * whose resource covers the audience, and the audience must name an existing entity.
 */
export function handlePutToken(request: Message, context: PutTokenContext): PutTokenResult {
  const properties = request.application_properties ?? {};
  if (properties.operation !== "put-token") {
    return { reply: status(400, `unsupported $cbs operation ${String(properties.operation)}`) };
  }
  if (properties.type !== SAS_TOKEN_TYPE) {
    return { reply: status(401, `the emulator accepts only ${SAS_TOKEN_TYPE} tokens`) };
  }
  const audience: unknown = properties.name;
  const token: unknown = request.body;
  if (typeof audience !== "string" || typeof token !== "string") {
    return { reply: status(400, "put-token needs the audience in 'name' and the token as the body") };
  }
  let grant: SasGrant;
  try {
    grant = verifySasToken(token, context.key, context.now);
  } catch (error) {
    if (error instanceof SasTokenError) return { reply: status(401, `InvalidSignature: ${error.message}`) };
    throw error;
  }
  const path = entityPathOf(audience);
  if (!scopeCovers(grant.scope, path)) {
    return { reply: status(401, `InvalidAudience: the token does not grant access to ${audience}`) };
  }
  if (path !== "" && !context.entityExists(path)) {
    return { reply: status(404, `The messaging entity '${audience}' could not be found.`) };
  }
  return { reply: status(202, "Accepted"), grant };
}
