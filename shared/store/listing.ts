/**
 * The order in which a wave's accounts are listed by status, shared by both store implementations
 * so they page identically. The key sorts as text: wave, status, priority descending, time in the
 * status ascending, id.
 */
import { ValidationError } from "../errors.js";
import { type AccountRecord, type AccountStatus, PRIORITY_MAX } from "../domain/index.js";
import type { PageRequest } from "./port.js";

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** The prefix every listing key of one wave and status starts with. */
export function listingPrefix(waveId: string, status: AccountStatus): string {
  return `${waveId}|${status}|`;
}

/** The account's position in its wave's listing for its current status. */
export function listingKey(
  account: Pick<AccountRecord, "id" | "waveId" | "status" | "priority" | "statusSince">,
): string {
  const rank = String(PRIORITY_MAX - account.priority).padStart(3, "0");
  return `${listingPrefix(account.waveId, account.status)}${rank}|${account.statusSince}|${account.id}`;
}

/** The account id at the end of a listing key. */
export function idFromListingKey(key: string): string {
  return key.slice(key.lastIndexOf("|") + 1);
}

/** The page size asked for, checked. */
export function pageLimit(page: PageRequest | undefined): number {
  const limit = page?.limit ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw new ValidationError("limit", `must be a whole number from 1 to ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

/** Encodes the last key of a page as an opaque continuation token. */
export function encodeToken(lastKey: string): string {
  return Buffer.from(lastKey, "utf8").toString("base64url");
}

/** Decodes a continuation token for the given listing, or throws a ValidationError. */
export function decodeToken(token: string | undefined, prefix: string): string | undefined {
  if (token === undefined) return undefined;
  const key = Buffer.from(token, "base64url").toString("utf8");
  if (!key.startsWith(prefix)) {
    throw new ValidationError("continuationToken", "does not belong to this listing");
  }
  return key;
}

/** Where a scan (`scanByStatus`) stands: which partition, and the service's token within it. */
export interface ScanPosition {
  readonly partition: number;
  readonly within?: string;
}

/** Encodes a scan's position, tied to its wave and status. */
export function encodeScanToken(waveId: string, status: string, position: ScanPosition): string {
  return Buffer.from(JSON.stringify({ waveId, status, ...position }), "utf8").toString("base64url");
}

/** Decodes a scan token for this wave and status, or throws a ValidationError. */
export function decodeScanToken(token: string | undefined, waveId: string, status: string): ScanPosition {
  if (token === undefined) return { partition: 0 };
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    decoded = undefined;
  }
  const position = decoded as Partial<{
    waveId: unknown;
    status: unknown;
    partition: unknown;
    within: unknown;
  }>;
  if (
    typeof decoded !== "object" ||
    decoded === null ||
    position.waveId !== waveId ||
    position.status !== status ||
    !Number.isInteger(position.partition) ||
    (position.partition as number) < 0 ||
    (position.within !== undefined && typeof position.within !== "string")
  ) {
    throw new ValidationError("continuationToken", "does not belong to this scan");
  }
  return {
    partition: position.partition as number,
    ...(typeof position.within === "string" ? { within: position.within } : {}),
  };
}
