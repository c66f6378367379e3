/**
 * How operators see a dead-lettered `moves` message. The Functions Node worker cannot dead-letter
 * a message itself, so a malformed one reaches the sub-queue as MaxDeliveryCountExceeded; its
 * body is parsed again here and the schema error becomes the reason, which is what an operator
 * needs to know. Wave and account come from the body, or from the application properties when
 * the body cannot be read.
 */
import { createHash } from "node:crypto";
import { MalformedMessageError } from "../../bus/errors.js";
import { parseMoveMessage, type MoveMessage } from "../../bus/messages.js";
import type { DeadLetter, PropertyValue } from "../../bus/deadletter.js";
import type { DeadLetterFilter } from "../requests.js";

/** The reason shown for a body that does not match the move message schema. */
export const MALFORMED_REASON = "MalformedMessage";

export interface DeadLetterView {
  readonly sequenceNumber: number;
  readonly messageId: string;
  readonly enqueuedAt?: string;
  readonly deliveryCount: number;
  /** MalformedMessage for an unreadable body, else the DeadLetterReason. */
  readonly reason: string;
  /** The schema error for an unreadable body, else the DeadLetterErrorDescription. */
  readonly description: string;
  /** What Service Bus recorded, when the reason shown is another. */
  readonly brokerReason?: string;
  readonly brokerDescription?: string;
  /** 8 hex digits shared by messages with the same reason and description (figures ignored). */
  readonly group: string;
  readonly waveId?: string;
  readonly accountId?: string;
  readonly move?: MoveMessage;
  readonly subject?: string;
  readonly applicationProperties: Readonly<Record<string, PropertyValue>>;
}

/** A dead-lettered message with its body, for `show`. */
export interface DeadLetterDetail extends DeadLetterView {
  readonly contentType?: string;
  readonly correlationId?: string;
  /** The body as JSON when it is JSON, else as text (UTF-8) or base64. */
  readonly body: { readonly json: unknown } | { readonly text: string } | { readonly base64: string };
}

function pattern(text: string): string {
  return text.replace(/\d+(?:[.,]\d+)*/g, "#");
}

/** The group id of a reason and description. */
export function deadLetterGroupId(reason: string, description: string): string {
  return createHash("sha256")
    .update(`${reason}\n${pattern(description)}`)
    .digest("hex")
    .slice(0, 8);
}

function property(message: DeadLetter, name: string): string | undefined {
  const value = message.applicationProperties[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

function malformation(body: unknown): { move: MoveMessage } | { problem: string } {
  try {
    return { move: parseMoveMessage(body) };
  } catch (error) {
    if (error instanceof MalformedMessageError) return { problem: error.reason };
    throw error;
  }
}

function jsonOf(body: unknown): unknown {
  if (!Buffer.isBuffer(body) && typeof body !== "string") return body;
  try {
    return JSON.parse(body.toString()) as unknown;
  } catch {
    return undefined;
  }
}

/** Wave and account a malformed body still names, so filters by wave or account find it. */
function namedIn(body: unknown, field: "waveId" | "accountId"): string | undefined {
  const value = jsonOf(body);
  if (value === null || typeof value !== "object" || !(field in value)) return undefined;
  const named: unknown = (value as Record<string, unknown>)[field];
  return typeof named === "string" && /^[A-Za-z0-9._~@+-]{1,200}$/.test(named) ? named : undefined;
}

/** Reads a dead-lettered message as operators see it. */
export function viewDeadLetter(message: DeadLetter): DeadLetterView {
  const parsed = malformation(message.body);
  const brokerReason = message.reason ?? "(no reason)";
  const brokerDescription = message.description ?? "";
  const reason = "problem" in parsed ? MALFORMED_REASON : brokerReason;
  const description = "problem" in parsed ? parsed.problem : brokerDescription;
  const move = "move" in parsed ? parsed.move : undefined;
  const waveId = move?.waveId ?? namedIn(message.body, "waveId") ?? property(message, "waveId");
  const accountId = move?.accountId ?? namedIn(message.body, "accountId") ?? property(message, "accountId");
  return {
    sequenceNumber: message.sequenceNumber,
    messageId: message.messageId,
    ...(message.enqueuedAt !== undefined ? { enqueuedAt: message.enqueuedAt } : {}),
    deliveryCount: message.deliveryCount,
    reason,
    description,
    ...(reason !== brokerReason || description !== brokerDescription
      ? { brokerReason, brokerDescription }
      : {}),
    group: deadLetterGroupId(reason, description),
    ...(waveId !== undefined ? { waveId } : {}),
    ...(accountId !== undefined ? { accountId } : {}),
    ...(move !== undefined ? { move } : {}),
    ...(message.subject !== undefined ? { subject: message.subject } : {}),
    applicationProperties: message.applicationProperties,
  };
}

function bodyOf(body: unknown): DeadLetterDetail["body"] {
  if (Buffer.isBuffer(body)) {
    const text = body.toString("utf8");
    if (Buffer.from(text, "utf8").equals(body)) {
      try {
        return { json: JSON.parse(text) as unknown };
      } catch {
        return { text };
      }
    }
    return { base64: body.toString("base64") };
  }
  return { json: body };
}

/** A dead-lettered message with its body. */
export function detailOf(message: DeadLetter): DeadLetterDetail {
  return {
    ...viewDeadLetter(message),
    ...(message.contentType !== undefined ? { contentType: message.contentType } : {}),
    ...(message.correlationId !== undefined ? { correlationId: message.correlationId } : {}),
    body: bodyOf(message.body),
  };
}

/** Whether a message is in the selection (every given field must match). */
export function matchesFilter(view: DeadLetterView, filter: DeadLetterFilter): boolean {
  if (filter.sequenceNumber !== undefined && view.sequenceNumber !== filter.sequenceNumber) return false;
  if (filter.group !== undefined && view.group !== filter.group) return false;
  if (filter.reason !== undefined) {
    const wanted = filter.reason.toLowerCase();
    if (view.reason.toLowerCase() !== wanted && view.brokerReason?.toLowerCase() !== wanted) return false;
  }
  if (filter.waveId !== undefined && view.waveId !== filter.waveId) return false;
  if (filter.accountId !== undefined && view.accountId !== filter.accountId) return false;
  if (filter.since !== undefined || filter.until !== undefined) {
    if (view.enqueuedAt === undefined) return false;
    const at = Date.parse(view.enqueuedAt);
    if (filter.since !== undefined && at < Date.parse(filter.since)) return false;
    if (filter.until !== undefined && at >= Date.parse(filter.until)) return false;
  }
  return true;
}

/** Only the filter fields of a request (what a drain matches on and what is recorded). */
export function filterOf(request: DeadLetterFilter): DeadLetterFilter {
  const out: DeadLetterFilter = {};
  if (request.group !== undefined) out.group = request.group;
  if (request.reason !== undefined) out.reason = request.reason;
  if (request.waveId !== undefined) out.waveId = request.waveId;
  if (request.accountId !== undefined) out.accountId = request.accountId;
  if (request.since !== undefined) out.since = request.since;
  if (request.until !== undefined) out.until = request.until;
  if (request.sequenceNumber !== undefined) out.sequenceNumber = request.sequenceNumber;
  return out;
}
