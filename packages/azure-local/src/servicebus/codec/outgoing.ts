import rhea from "rhea";
import type { StoredMessage } from "../store/message.js";
import { ANNOTATION, MESSAGE_STATE } from "./annotations.js";

// The bare-message fields of the AMQP properties section, copied as the sender set them.
const PROPERTY_FIELDS = [
  "message_id",
  "user_id",
  "to",
  "subject",
  "reply_to",
  "correlation_id",
  "content_type",
  "content_encoding",
  "absolute_expiry_time",
  "creation_time",
  "group_id",
  "group_sequence",
  "reply_to_group_id",
] as const;

export interface EncodeOptions {
  /** Set for a message handed out under a lock (delivery, receive-by-sequence-number, peek). */
  readonly lockedUntil?: number;
}

/**
 * The state Service Bus reports for a message: a message that was held until its scheduled time
 * keeps reporting `scheduled` once it is enqueued, received or peeked, until it is deferred.
 */
function reportedState(stored: StoredMessage): keyof typeof MESSAGE_STATE {
  if (stored.state === "deferred") return "deferred";
  return stored.scheduledAt === undefined ? "active" : "scheduled";
}

/**
 * Encodes a stored message the way Service Bus hands it out: the sender's bare message plus a
 * fresh header (with `delivery_count` always present) and the broker's message annotations.
 */
export function encodeStoredMessage(stored: StoredMessage, options: EncodeOptions = {}): Buffer {
  const source = stored.payload;
  const annotations: Record<string, unknown> = {
    ...(source.message_annotations ?? {}),
    [ANNOTATION.sequenceNumber]: rhea.types.wrap_long(stored.sequenceNumber),
    [ANNOTATION.enqueueSequenceNumber]: rhea.types.wrap_long(stored.sequenceNumber),
    [ANNOTATION.enqueuedTime]: new Date(stored.enqueuedAt),
    [ANNOTATION.messageState]: rhea.types.wrap_int(MESSAGE_STATE[reportedState(stored)]),
  };
  if (stored.scheduledAt !== undefined) {
    annotations[ANNOTATION.scheduledEnqueueTime] = new Date(stored.scheduledAt);
  }
  if (options.lockedUntil !== undefined) annotations[ANNOTATION.lockedUntil] = new Date(options.lockedUntil);

  const out: Record<string, unknown> = {
    body: source.body,
    durable: source.durable,
    priority: source.priority,
    ttl: source.ttl,
    delivery_count: stored.deliveryCount,
    message_annotations: annotations,
  };
  for (const field of PROPERTY_FIELDS) {
    const value: unknown = source[field];
    if (value !== undefined && value !== null) out[field] = value;
  }
  const applicationProperties = stored.propertyChanges
    ? { ...(source.application_properties ?? {}), ...stored.propertyChanges }
    : source.application_properties;
  if (applicationProperties) out.application_properties = applicationProperties;
  if (source.footer) out.footer = source.footer;
  return rhea.message.encode(out);
}
