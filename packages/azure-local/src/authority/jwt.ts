/**
 * Compact JWTs: the simulator signs its access tokens and import-session tokens with HMAC-SHA256,
 * and checks RSA-signed client assertions (certificate credentials) against registered certificates.
 */
import { createHmac, timingSafeEqual, verify, constants, type KeyObject } from "node:crypto";

export type JwtClaims = Record<string, unknown>;

export interface DecodedJwt {
  readonly header: Record<string, unknown>;
  readonly claims: JwtClaims;
  readonly signingInput: string;
  readonly signature: Buffer;
}

function encodePart(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function parsePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Splits a JWT without checking it; undefined if it is not shaped like one. */
export function decodeJwt(token: string): DecodedJwt | undefined {
  const parts = token.split(".");
  if (parts.length !== 3) return undefined;
  const [head, body, signature] = parts as [string, string, string];
  const header = parsePart(head);
  const claims = parsePart(body);
  if (!header || !claims) return undefined;
  return { header, claims, signingInput: `${head}.${body}`, signature: Buffer.from(signature, "base64url") };
}

/** Signs claims with HMAC-SHA256. */
export function signHs256(claims: JwtClaims, key: Buffer, keyId: string): string {
  const input = `${encodePart({ typ: "JWT", alg: "HS256", kid: keyId })}.${encodePart(claims)}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
}

/** The claims of an HS256 token signed with `key`, or undefined if the signature does not match. */
export function verifyHs256(token: string, key: Buffer): JwtClaims | undefined {
  const decoded = decodeJwt(token);
  if (!decoded || decoded.header.alg !== "HS256") return undefined;
  const expected = createHmac("sha256", key).update(decoded.signingInput).digest();
  if (expected.length !== decoded.signature.length || !timingSafeEqual(expected, decoded.signature)) {
    return undefined;
  }
  return decoded.claims;
}

/** Checks an RS256 or PS256 signature (the two algorithms MSAL uses for client assertions). */
export function verifyRsaSignature(decoded: DecodedJwt, publicKey: KeyObject): boolean {
  const data = Buffer.from(decoded.signingInput, "utf8");
  if (decoded.header.alg === "RS256") return verify("sha256", data, publicKey, decoded.signature);
  if (decoded.header.alg === "PS256") {
    return verify(
      "sha256",
      data,
      {
        key: publicKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: constants.RSA_PSS_SALTLEN_AUTO,
      },
      decoded.signature,
    );
  }
  return false;
}

/** Seconds since the epoch. */
export function nowSeconds(nowMs: number = Date.now()): number {
  return Math.floor(nowMs / 1000);
}
