import type { Message } from "rhea";
import { lockTokenFromRequest } from "../codec/lock-token.js";
import { AmqpRequestError } from "../errors.js";

function argumentError(message: string): AmqpRequestError {
  return new AmqpRequestError("com.microsoft:argument-error", 400, message);
}

/** The request body as a map (management requests carry an AMQP map as their value). */
export function requestBody(request: Message): Record<string, unknown> {
  const body: unknown = request.body;
  if (typeof body !== "object" || body === null || Array.isArray(body) || Buffer.isBuffer(body)) {
    throw argumentError("the request body must be a map");
  }
  return body as Record<string, unknown>;
}

/** An AMQP long as rhea decodes it: a number, or 8 big-endian bytes when it does not fit one. */
export function readLong(value: unknown, field: string): number {
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (Buffer.isBuffer(value) && value.length === 8) return Number(value.readBigInt64BE(0));
  throw argumentError(`${field} must be a long`);
}

export function readList(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw argumentError(`${field} must be an array`);
  return value;
}

export function readSequenceNumbers(value: unknown, field: string): number[] {
  return readList(value, field).map((item) => readLong(item, field));
}

export function readLockTokens(value: unknown, field: string): Buffer[] {
  return readList(value, field).map((item) => {
    const token = lockTokenFromRequest(item);
    if (!token) throw argumentError(`${field} must hold lock tokens (uuids)`);
    return token;
  });
}

export function readOptionalString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw argumentError(`${field} must be a string`);
  return value;
}

export function readOptionalMap(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw argumentError(`${field} must be a map`);
  }
  return value as Record<string, unknown>;
}

export function readPositiveInt(value: unknown, field: string): number {
  const number = readLong(value, field);
  if (number < 1) throw argumentError(`${field} must be at least 1`);
  return number;
}
