import { randomUUID } from "node:crypto";
import rhea, { type Message } from "rhea";
import { AmqpRequestError } from "../errors.js";
import type { IncomingMessage } from "../store/message.js";
import { ANNOTATION } from "./annotations.js";

function decodeError(what: string, cause: unknown): AmqpRequestError {
  return new AmqpRequestError("amqp:decode-error", 400, `${what} is not a valid AMQP message`, { cause });
}

function duplicateKeyOf(messageId: unknown): string | undefined {
  if (typeof messageId === "string") return `s:${messageId}`;
  if (typeof messageId === "number") return `n:${messageId}`;
  if (Buffer.isBuffer(messageId)) return `b:${messageId.toString("hex")}`;
  return undefined;
}

function timeOf(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === "number" && Number.isFinite(value)) return value;
  return undefined;
}

/**
 * Reads what the store needs from a message rhea has already decoded. Like Service Bus, it gives
 * a message without a MessageId one (32 hex digits); the SDK's lock renewal relies on it.
 */
export function fromDecodedMessage(message: Message): IncomingMessage {
  const ttl = message.ttl;
  const duplicateKey = duplicateKeyOf(message.message_id);
  if (duplicateKey === undefined) message.message_id = randomUUID().replaceAll("-", "");
  return {
    payload: message,
    duplicateKey,
    timeToLiveMs: typeof ttl === "number" && ttl > 0 ? ttl : undefined,
    scheduledEnqueueTime: timeOf(message.message_annotations?.[ANNOTATION.scheduledEnqueueTime]),
  };
}

// rhea's decode is typed with a looser Message than the one its events carry; the object is the same.
function decode(bytes: Buffer, what: string): Message {
  try {
    const decoded = rhea.message.decode(bytes);
    const body: unknown = decoded.body;
    return Object.assign(decoded, { body });
  } catch (error) {
    throw decodeError(what, error);
  }
}

/** Decodes one encoded message (a batch member, or a message inside a `$management` request). */
export function decodeMessage(bytes: Buffer): IncomingMessage {
  return fromDecodedMessage(decode(bytes, "message"));
}

interface DataSections {
  readonly content: unknown;
}

function isDataSections(body: unknown): body is DataSections {
  return typeof body === "object" && body !== null && "content" in body && "typecode" in body;
}

/**
 * Splits a batch transfer (message format 0x80013700) into its messages: the envelope's body is
 * one data section per encoded message. An envelope with no body is an empty batch.
 */
export function decodeBatch(envelope: Buffer): IncomingMessage[] {
  const body: unknown = decode(envelope, "batch envelope").body;
  if (body === undefined || body === null) return [];
  if (!isDataSections(body)) throw decodeError("batch envelope body", undefined);
  const parts: unknown[] = Array.isArray(body.content) ? body.content : [body.content];
  return parts.map((part) => {
    if (!Buffer.isBuffer(part)) throw decodeError("batch member", undefined);
    return decodeMessage(part);
  });
}
