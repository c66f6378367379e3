import { randomUUID } from "node:crypto";

/**
 * Lock tokens are GUIDs. The broker keeps them as 16 bytes in RFC 4122 order (the order AMQP
 * uuids and `$management` requests use); on a receive link they travel as the delivery tag in .NET
 * GUID byte order, where the first three groups are little-endian.
 */
export function newLockToken(): Buffer {
  return Buffer.from(randomUUID().replaceAll("-", ""), "hex");
}

/** Swaps between RFC 4122 and .NET GUID byte order (the swap is its own inverse). */
export function swapGuidByteOrder(guid: Buffer): Buffer {
  if (guid.length !== 16) return Buffer.from(guid);
  const out = Buffer.from(guid);
  out.writeUInt32LE(guid.readUInt32BE(0), 0);
  out.writeUInt16LE(guid.readUInt16BE(4), 4);
  out.writeUInt16LE(guid.readUInt16BE(6), 6);
  return out;
}

/** The delivery tag that carries a lock token on a receive link. */
export function deliveryTagFor(lockToken: Buffer): Buffer {
  return swapGuidByteOrder(lockToken);
}

/** A map key for a lock token in RFC order. */
export function lockTokenKey(lockToken: Buffer): string {
  return lockToken.toString("hex");
}

/** Reads a lock token from a decoded `$management` request (an AMQP uuid, i.e. 16 bytes). */
export function lockTokenFromRequest(value: unknown): Buffer | undefined {
  if (Buffer.isBuffer(value) && value.length === 16) return value;
  if (typeof value === "string" && /^[0-9a-f]{8}-?([0-9a-f]{4}-?){3}[0-9a-f]{12}$/i.test(value)) {
    return Buffer.from(value.replaceAll("-", ""), "hex");
  }
  return undefined;
}
