import { createHmac, timingSafeEqual } from "node:crypto";
import { entityPathOf } from "../amqp/address.js";
import { SasTokenError } from "../errors.js";

/** The shared access key the emulator accepts tokens for. */
export interface SasKey {
  readonly name: string;
  readonly key: string;
}

/** What a valid token grants: an entity path ("" for the whole namespace) until a time. */
export interface SasGrant {
  readonly scope: string;
  readonly expiresAt: number;
}

const PREFIX = "SharedAccessSignature ";

// Splits `sr=..&sig=..&se=..&skn=..` keeping the raw (still URL-encoded) values: the signature is
// computed over the resource exactly as the token spells it.
function rawFields(token: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const part of token.slice(PREFIX.length).split("&")) {
    const equals = part.indexOf("=");
    if (equals > 0) fields.set(part.slice(0, equals), part.slice(equals + 1));
  }
  return fields;
}

function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch (cause) {
    throw new SasTokenError("the token is not URL-encoded correctly", { cause });
  }
}

function sign(key: string, resource: string, expiry: string): Buffer {
  return createHmac("sha256", key).update(`${resource}\n${expiry}`).digest();
}

/**
 * Checks a `SharedAccessSignature sr=&sig=&se=&skn=` token: the key name must be ours, the expiry
 * in the future, and the HMAC-SHA256 signature made with our key.
 */
export function verifySasToken(token: string, key: SasKey, now: number): SasGrant {
  if (!token.startsWith(PREFIX)) throw new SasTokenError("the token is not a shared access signature");
  const fields = rawFields(token);
  const resource = fields.get("sr");
  const signature = fields.get("sig");
  const expiry = fields.get("se");
  const keyName = fields.get("skn");
  if (!resource || !signature || !expiry || !keyName) {
    throw new SasTokenError("the token lacks one of sr, sig, se, skn");
  }
  if (decode(keyName) !== key.name) throw new SasTokenError(`the key name ${decode(keyName)} is unknown`);
  const expiresAt = Number(expiry) * 1000;
  if (!Number.isFinite(expiresAt) || expiresAt <= now) throw new SasTokenError("the token has expired");
  const given = Buffer.from(decode(signature), "base64");
  const decodedResource = decode(resource);
  // Encoders disagree on escaping; accept the resource as written and in encodeURIComponent form.
  const valid = [resource, encodeURIComponent(decodedResource)].some((form) => {
    const expected = sign(key.key, form, expiry);
    return expected.length === given.length && timingSafeEqual(expected, given);
  });
  if (!valid) throw new SasTokenError("the token's signature does not match the key");
  return { scope: entityPathOf(decodedResource), expiresAt };
}

/** Makes a token the way Azure SDKs do; tests and tools use it to talk to the emulator. */
export function createSasToken(resource: string, key: SasKey, expiresAt: number): string {
  const encoded = encodeURIComponent(resource);
  const expiry = String(Math.floor(expiresAt / 1000));
  const signature = encodeURIComponent(sign(key.key, encoded, expiry).toString("base64"));
  return `${PREFIX}sr=${encoded}&sig=${signature}&se=${expiry}&skn=${encodeURIComponent(key.name)}`;
}
