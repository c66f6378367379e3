import { ValidationError } from "../errors.js";
import { LeaseHeldError } from "./errors.js";
import { accountIdFromUpn } from "./ids.js";
import type { AttemptNumber, RoundNumber, SliceNumber } from "./glossary.js";
import { mergeStatistics, type StatisticsUpdate, type SyncStatistics } from "./statistics.js";
import {
  type AccountStatus,
  assertTransition,
  LEASED_STATUSES,
  startsAttempt,
  startsPass,
} from "./status.js";

/** An ISO 8601 instant in UTC, e.g. `2025-03-01T19:00:00.000Z`; sorts in time order as text. */
export type IsoTime = string;

/** Who a mailbox belongs to on one side of the move. */
export interface Identity {
  readonly upn: string;
  readonly objectId?: string;
  readonly tenantId?: string;
  /** The on-premises mailbox's ExchangeGuid (hybrid moves check the mail user carries it). */
  readonly exchangeGuid?: string;
  /** The on-premises archive's ArchiveGuid, when the mailbox has an archive. */
  readonly archiveGuid?: string;
}

/** What has been copied so far (absolute, cumulative over attempts). */
export interface Progress {
  readonly folders: number;
  readonly items: number;
  readonly bytes: number;
  readonly badItems: number;
  readonly largeItemsSkipped: number;
}

/** A worker's claim on an account, valid until `expiresAt`. */
export interface Lease {
  readonly owner: string;
  readonly expiresAt: IsoTime;
}

/** Why an account failed: a class callers branch on, a code from the source, and a message. */
export interface AccountError {
  readonly class: string;
  readonly code: string;
  readonly message: string;
}

/** One account's migration state, as stored. */
export interface AccountRecord {
  /** Derived from the source UPN, see accountIdFromUpn. */
  readonly id: string;
  readonly waveId: string;
  readonly source: Identity;
  readonly target: Identity;
  /** Higher is released sooner. */
  readonly priority: number;
  readonly status: AccountStatus;
  /** How many times the account has been released (Pending → Queued is attempt 1). */
  readonly attempt: AttemptNumber;
  /** Last slice of the current attempt whose progress was recorded (0 before the first). */
  readonly slice: SliceNumber;
  /**
   * Which pass over the mailbox the account is on: 0 is the initial copy, and every incremental
   * pass or cutover started from Synced adds one (a retry keeps it). See glossary.ts.
   */
  readonly round: RoundNumber;
  /** When the account first finished its initial copy; a cutover window needs it to be earlier. */
  readonly syncedAt?: IsoTime;
  /** The account may be cut over only after this instant (overrides the wave's). */
  readonly completeAfter?: IsoTime;
  /** An operator asked at this instant to cut the account over now, window or not. */
  readonly completeNow?: IsoTime;
  readonly lease?: Lease;
  readonly progress: Progress;
  /** Source totals, sync times, verdict, waiting reason and warnings, as the engine recorded them. */
  readonly stats?: SyncStatistics;
  /** Opaque resume point of the transfer engine. */
  readonly checkpoint?: string;
  readonly lastError?: AccountError;
  /** How many status changes the account has had; also the sequence number of its last audit record. */
  readonly transitions: number;
  readonly createdAt: IsoTime;
  readonly updatedAt: IsoTime;
  /** When the account entered its current status; listing by status is oldest first on this. */
  readonly statusSince: IsoTime;
}

/** An account as read from a store: the record plus the version its next write must match. */
export type Account = AccountRecord & { readonly etag: string };

/** One status change, written atomically with the account. */
export interface AuditRecord {
  readonly accountId: string;
  /** 1 for the account's first transition, then 2, 3, ... */
  readonly seq: number;
  readonly at: IsoTime;
  readonly from: AccountStatus;
  readonly to: AccountStatus;
  readonly reason: string;
  /** The account's attempt after the change. */
  readonly attempt: number;
  /** Invocation id of the function, or the operator, that made the change. */
  readonly actor: string;
  readonly error?: AccountError;
}

/** What an inventory row contributes. */
export interface ImportedAccount {
  readonly waveId: string;
  readonly source: Identity;
  readonly target: Identity;
  readonly priority: number;
}

/** What a transition records besides the new status. */
export interface TransitionDetails {
  readonly reason: string;
  readonly actor: string;
  readonly at: Date;
  /** Required when the new status is Failed. */
  readonly error?: AccountError;
  /** Progress and checkpoint written with the transition, applied before the status changes. */
  readonly update?: Omit<ProgressUpdate, "at">;
}

/** A checkpoint written by the transfer engine; absent fields are left as they are. */
export interface ProgressUpdate {
  readonly progress?: Partial<Progress>;
  readonly slice?: number;
  /** A string replaces the checkpoint, `null` clears it. */
  readonly checkpoint?: string | null;
  /** Per-account cutover timing; a string sets it, `null` clears it. */
  readonly completeAfter?: IsoTime | null;
  readonly completeNow?: IsoTime | null;
  /** Statistics to merge into the account's (a value sets a field, `null` clears it). */
  readonly stats?: StatisticsUpdate;
  readonly at: Date;
}

export const PRIORITY_MIN = 0;
export const PRIORITY_MAX = 999;
export const MAX_LEASE_MS = 24 * 60 * 60 * 1000;
/** Table Storage keeps at most 64 KiB per string property; leave room for the rest of the row. */
export const MAX_CHECKPOINT_CHARS = 30_000;

export const ZERO_PROGRESS: Progress = { folders: 0, items: 0, bytes: 0, badItems: 0, largeItemsSkipped: 0 };

const PROGRESS_FIELDS = ["folders", "items", "bytes", "badItems", "largeItemsSkipped"] as const;

/** A new Pending account for an inventory row. */
export function newAccount(input: ImportedAccount, now: Date): AccountRecord {
  const at = now.toISOString();
  return {
    id: accountIdFromUpn(input.source.upn),
    waveId: input.waveId,
    source: input.source,
    target: input.target,
    priority: input.priority,
    status: "Pending",
    attempt: 0,
    slice: 0,
    round: 0,
    progress: ZERO_PROGRESS,
    transitions: 0,
    createdAt: at,
    updatedAt: at,
    statusSince: at,
  };
}

function sameIdentity(a: Identity, b: Identity): boolean {
  return (
    a.upn === b.upn &&
    a.objectId === b.objectId &&
    a.tenantId === b.tenantId &&
    a.exchangeGuid === b.exchangeGuid &&
    a.archiveGuid === b.archiveGuid
  );
}

/** What importing a row again does to an account that exists already. */
export type ReimportPlan =
  | { readonly outcome: "unchanged" }
  | { readonly outcome: "kept" }
  | { readonly outcome: "updated"; readonly next: AccountRecord };

/**
 * Re-importing is idempotent and never resets work: an account that has left Pending is kept as
 * it is; a Pending one takes the row's wave, identities and priority if they differ.
 */
export function planReimport(existing: AccountRecord, input: ImportedAccount, now: Date): ReimportPlan {
  if (existing.status !== "Pending") return { outcome: "kept" };
  if (
    existing.waveId === input.waveId &&
    existing.priority === input.priority &&
    sameIdentity(existing.source, input.source) &&
    sameIdentity(existing.target, input.target)
  ) {
    return { outcome: "unchanged" };
  }
  const at = now.toISOString();
  return {
    outcome: "updated",
    next: {
      ...existing,
      waveId: input.waveId,
      source: input.source,
      target: input.target,
      priority: input.priority,
      updatedAt: at,
      // Moving to another wave puts the account at the back of that wave's queue.
      statusSince: existing.waveId === input.waveId ? existing.statusSince : at,
    },
  };
}

function withoutLease(account: AccountRecord): AccountRecord {
  const { lease: _lease, ...rest } = account;
  return rest;
}

/**
 * Applies a status change: checks the transitions table, starts a new attempt on (re)release,
 * drops the lease unless the new status is one a worker holds it through, records the error of a
 * failure, and returns the audit record to write with it.
 */
export function applyTransition(
  account: AccountRecord,
  to: AccountStatus,
  details: TransitionDetails,
): { next: AccountRecord; audit: AuditRecord } {
  assertTransition(account.id, account.status, to);
  if (details.reason.trim() === "") throw new ValidationError("reason", "a transition needs a reason");
  if (details.actor.trim() === "") throw new ValidationError("actor", "a transition needs an actor");
  if (to === "Failed" && details.error === undefined) {
    throw new ValidationError("error", "a transition to Failed needs the error that caused it");
  }
  const at = details.at.toISOString();
  const newAttempt = startsAttempt(account.status, to);
  const updated =
    details.update === undefined ? account : applyProgress(account, { ...details.update, at: details.at });
  const base = LEASED_STATUSES.has(to) ? updated : withoutLease(updated);
  const next: AccountRecord = {
    ...base,
    status: to,
    attempt: newAttempt ? account.attempt + 1 : account.attempt,
    slice: newAttempt ? 0 : account.slice,
    // Rounds never go back, not even for a retry: the transfer state remembers the round each
    // folder was last read for, and only a higher round opens them for a new pass.
    round: startsPass(account.status, to) ? account.round + 1 : account.round,
    ...(to === "Synced" && account.syncedAt === undefined ? { syncedAt: at } : {}),
    transitions: account.transitions + 1,
    updatedAt: at,
    statusSince: at,
    ...(to === "Failed" && details.error ? { lastError: details.error } : {}),
  };
  const audit: AuditRecord = {
    accountId: account.id,
    seq: next.transitions,
    at,
    from: account.status,
    to,
    reason: details.reason,
    attempt: next.attempt,
    actor: details.actor,
    ...(details.error ? { error: details.error } : {}),
  };
  return { next, audit };
}

/** Whether the account carries a lease that has not expired at `now`. */
export function hasLiveLease(account: AccountRecord, now: Date): boolean {
  return account.lease !== undefined && Date.parse(account.lease.expiresAt) > now.getTime();
}

/**
 * Takes the account's lease for `owner` until now + leaseMs. The holder may renew; anyone may take
 * over an expired lease; a live lease held by someone else raises LeaseHeldError.
 */
export function applyClaim(account: AccountRecord, owner: string, leaseMs: number, now: Date): AccountRecord {
  if (owner.trim() === "") throw new ValidationError("owner", "a lease needs an owner");
  if (!Number.isInteger(leaseMs) || leaseMs <= 0 || leaseMs > MAX_LEASE_MS) {
    throw new ValidationError("leaseMs", `must be a whole number of milliseconds in 1..${MAX_LEASE_MS}`);
  }
  const lease = account.lease;
  if (lease !== undefined && lease.owner !== owner && hasLiveLease(account, now)) {
    throw new LeaseHeldError(account.id, lease.owner, lease.expiresAt);
  }
  return {
    ...account,
    lease: { owner, expiresAt: new Date(now.getTime() + leaseMs).toISOString() },
    updatedAt: now.toISOString(),
  };
}

/** Drops `owner`'s lease; undefined when `owner` does not hold it (nothing to write). */
export function applyRelease(account: AccountRecord, owner: string, now: Date): AccountRecord | undefined {
  if (account.lease?.owner !== owner) return undefined;
  return { ...withoutLease(account), updatedAt: now.toISOString() };
}

function checkCount(value: number, where: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(where, `must be a whole number of at least 0, got ${value}`);
  }
  return value;
}

/** Applies a transfer checkpoint: absolute progress figures, the slice reached, the resume point. */
export function applyProgress(account: AccountRecord, update: ProgressUpdate): AccountRecord {
  let progress: Progress = account.progress;
  if (update.progress !== undefined) {
    const merged: { -readonly [K in keyof Progress]: number } = { ...account.progress };
    for (const field of PROGRESS_FIELDS) {
      const value = update.progress[field];
      if (value !== undefined) merged[field] = checkCount(value, `progress.${field}`);
    }
    progress = merged;
  }
  if (typeof update.checkpoint === "string" && update.checkpoint.length > MAX_CHECKPOINT_CHARS) {
    throw new ValidationError("checkpoint", `must be at most ${MAX_CHECKPOINT_CHARS} characters`);
  }
  const {
    checkpoint: _checkpoint,
    completeAfter: _after,
    completeNow: _now,
    stats: _stats,
    ...rest
  } = account;
  const stats = update.stats === undefined ? account.stats : mergeStatistics(account.stats, update.stats);
  const checkpoint = update.checkpoint === undefined ? account.checkpoint : (update.checkpoint ?? undefined);
  const completeAfter = instantOrKept(update.completeAfter, account.completeAfter, "completeAfter");
  const completeNow = instantOrKept(update.completeNow, account.completeNow, "completeNow");
  return {
    ...rest,
    progress,
    slice: update.slice === undefined ? account.slice : checkCount(update.slice, "slice"),
    updatedAt: update.at.toISOString(),
    ...(checkpoint === undefined ? {} : { checkpoint }),
    ...(stats === undefined ? {} : { stats }),
    ...(completeAfter === undefined ? {} : { completeAfter }),
    ...(completeNow === undefined ? {} : { completeNow }),
  };
}

function instantOrKept(
  update: IsoTime | null | undefined,
  kept: IsoTime | undefined,
  where: string,
): IsoTime | undefined {
  if (update === undefined) return kept;
  if (update === null) return undefined;
  const ms = Date.parse(update);
  if (Number.isNaN(ms))
    throw new ValidationError(where, `must be an ISO 8601 time, got ${JSON.stringify(update)}`);
  return new Date(ms).toISOString();
}

/** Keeps a priority inside 0..999 or throws a ValidationError. */
export function checkPriority(value: number, where = "priority"): number {
  if (!Number.isInteger(value) || value < PRIORITY_MIN || value > PRIORITY_MAX) {
    throw new ValidationError(where, `must be a whole number from ${PRIORITY_MIN} to ${PRIORITY_MAX}`);
  }
  return value;
}
