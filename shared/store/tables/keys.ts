/**
 * Key design of the accounts table (see shared/store/README.md). Every row about one account (the
 * account, its audit records, its listing row) and the wave counter shards live in one of
 * ACCOUNT_PARTITIONS partitions chosen by a hash of the account id, so a status change, its audit
 * record, the move of its listing row and the counter update commit as one entity-group
 * transaction.
 */
import { listingKey } from "../listing.js";
import type { AccountRecord } from "../../domain/index.js";

/** Fixed: changing it moves every account to another partition (a data migration). */
export const ACCOUNT_PARTITIONS = 16;
/** Counter rows per wave per partition; concurrent writers spread over them so they rarely collide. */
export const COUNTER_SHARDS = 16;
/** Table Storage's limit on operations in one entity-group transaction. */
export const MAX_BATCH_ACTIONS = 100;

export const WAVES_PARTITION = "wave";

/** 32-bit FNV-1a: stable across processes and versions, unlike anything seeded at start-up. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The partition holding everything about `accountId`. */
export function partitionOf(accountId: string): string {
  return `a${String(fnv1a(accountId) % ACCOUNT_PARTITIONS).padStart(2, "0")}`;
}

/** Every account partition, in order. */
export function allPartitions(): string[] {
  return Array.from({ length: ACCOUNT_PARTITIONS }, (_, i) => `a${String(i).padStart(2, "0")}`);
}

export const ACCOUNT_PREFIX = "acct|";
export const accountRowKey = (accountId: string): string => `${ACCOUNT_PREFIX}${accountId}`;
export const auditPrefix = (accountId: string): string => `audit|${accountId}|`;
export const auditRowKey = (accountId: string, seq: number): string =>
  `${auditPrefix(accountId)}${String(seq).padStart(9, "0")}`;
export const INDEX_PREFIX = "idx|";
export const indexRowKey = (account: AccountRecord): string => `${INDEX_PREFIX}${listingKey(account)}`;
export const counterPrefix = (waveId: string): string => `cnt|${waveId}|`;
export const counterRowKey = (waveId: string, shard: number): string => `${counterPrefix(waveId)}${shard}`;

/** The exclusive upper bound of all keys starting with `prefix`. */
export function prefixEnd(prefix: string): string {
  return `${prefix.slice(0, -1)}${String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1)}`;
}
