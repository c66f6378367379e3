/**
 * The simulated hybrid organisation: on-premises mailboxes, their Exchange Online recipients
 * (mail users synchronised by Entra Connect, mailboxes once moved), migration endpoints, batches
 * and the moves the Mailbox Replication Service runs for them.
 */
import type { DataConsistencyScore } from "./options.js";

export const ZERO_GUID = "00000000-0000-0000-0000-000000000000";

/** A mailbox part's content at the source. */
export interface MailboxContent {
  readonly bytes: number;
  readonly items: number;
}

/** An on-premises user and where its mailbox parts live now. */
export interface OnPremUser {
  readonly upn: string;
  readonly displayName: string;
  readonly alias: string;
  readonly exchangeGuid: string;
  readonly archiveGuid?: string;
  readonly primary: MailboxContent;
  readonly archive?: MailboxContent;
  /** Where the primary mailbox is: on premises, or moved (the on-premises object is a remote mailbox). */
  primaryIn: "onprem" | "cloud";
  archiveIn?: "onprem" | "cloud";
}

/** An Exchange Online recipient: a mail user until its primary mailbox moves in. */
export interface CloudRecipient {
  readonly upn: string;
  readonly alias: string;
  readonly displayName: string;
  readonly externalDirectoryObjectId: string;
  /** As synchronised from on-premises; the zero GUID when it never was. */
  exchangeGuid: string;
  archiveGuid: string;
  recipientTypeDetails: "MailUser" | "UserMailbox";
  /** Mailbox content in Exchange Online (after a move). */
  primary?: MailboxContent;
  archive?: MailboxContent;
}

export interface Endpoint {
  readonly identity: string;
  readonly remoteServer: string;
  /** Who the endpoint authenticates as on premises (the secret is checked, never kept). */
  readonly userName: string;
  maxConcurrentMigrations: number;
  maxConcurrentIncrementalSyncs: number;
  readonly createdAt: number;
}

export type MailboxType = "PrimaryAndArchive" | "PrimaryOnly" | "ArchiveOnly";

export interface Batch {
  readonly identity: string;
  readonly guid: string;
  readonly endpoint: string;
  readonly targetDeliveryDomain: string;
  readonly archiveDomain?: string;
  readonly primaryOnly: boolean;
  /** When the batch's users may complete; undefined until Complete-MigrationBatch or a CompleteAfter. */
  completeAfter?: number;
  readonly createdAt: number;
  /** The CSV header the batch was created with (AddUsers must use the same). */
  readonly csvHeader: readonly string[];
  readonly users: string[];
}

/** Exchange's RequestStatus values a move passes through. */
export type MoveStatus =
  | "Queued"
  | "InProgress"
  | "Synced"
  | "CompletionInProgress"
  | "Completed"
  | "CompletedWithWarning"
  | "CompletedWithSkippedItems"
  | "Failed"
  | "Suspended";

export type MovePhase =
  | "queued"
  | "initial"
  | "synced"
  | "incremental"
  | "completing"
  | "done"
  | "failed"
  | "stopped";

export interface MoveFailure {
  readonly type: string;
  readonly message: string;
  readonly at: number;
}

/** A migration user and the move request behind it. */
export interface Move {
  readonly requestGuid: string;
  readonly email: string;
  readonly batch: string;
  readonly endpoint: string;
  readonly mailboxType: MailboxType;
  readonly exchangeGuid: string;
  readonly archiveGuid?: string;
  /** Creation order, for MRS's first-in-first-out queue and stable listings. */
  readonly order: number;
  readonly createdAt: number;
  phase: MovePhase;
  status: MoveStatus;
  statusDetail: string;
  /** Content this move copies (primary and/or archive). */
  readonly totalBytes: number;
  readonly totalItems: number;
  /** Bytes copied at `progressAt`, and whether copying runs from then on. */
  copiedBytes: number;
  progressAt: number;
  copying: boolean;
  startedAt?: number;
  syncedAt?: number;
  lastSyncAt?: number;
  completionStartedAt?: number;
  completedAt?: number;
  /** Simulated time the current operation (initial sync, incremental, completion) ends. */
  opEndsAt?: number;
  /** Time left of the current operation while it is paused (stalled, source unreachable). */
  pausedRemainingMs?: number;
  /** Bumped whenever the move's scheduled events change, so stale ones are ignored. */
  version: number;
  score?: DataConsistencyScore;
  skippedItems: number;
  skippedItemApprovalTime?: number;
  /** The user's own CompleteAfter (Set-MigrationUser); it overrides the batch's. */
  completeAfter?: number;
  failure?: MoveFailure;
  /** A stall that lasts until this time (a planted stall). */
  stalledUntil?: number;
  /** When the move started waiting on an unreachable source. */
  sourceWaitSince?: number;
  warning: boolean;
  /** Failure planted for this move: when during the initial sync it fails, and how. */
  plantedFailure?: { readonly atShare: number; readonly type: string };
  plantedStall?: { readonly atShare: number; readonly detail: string };
}

/** Everything the simulator keeps. */
export interface Organisation {
  readonly tenantId: string;
  readonly domain: string;
  readonly onPrem: Map<string, OnPremUser>;
  /** Exchange Online recipients by lower-case UPN. */
  readonly cloud: Map<string, CloudRecipient>;
  readonly endpoints: Map<string, Endpoint>;
  readonly batches: Map<string, Batch>;
  /** Moves (migration users) by lower-case email address. */
  readonly moves: Map<string, Move>;
  /** Planted trouble per UPN, for tests and the demo to expect. */
  readonly planted: Map<string, Planted>;
  /** Whether the on-premises MRS proxy answers. */
  sourceReachable: boolean;
  nextOrder: number;
}

export type Planted = "ExchangeGuidMismatch" | "MailUserNotFound" | "ArchiveGuidMissing";

/** Whether a move has ended for good (it stays listed until removed). */
export function moveEnded(move: Move): boolean {
  return move.phase === "done";
}
