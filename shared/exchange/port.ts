/**
 * The HybridExchange port: what the hybrid move engine and the operator commands ask of Exchange
 * Online. One adapter talks to the admin REST endpoint (`online.ts`); an in-memory fake serves
 * unit tests; the contract suite holds both to the same behaviour.
 *
 * Moves are made through migration batches, never New-MoveRequest: a batch names its
 * ExchangeRemoteMove endpoint (-SourceEndpoint), which holds the on-premises credential, while a
 * remote New-MoveRequest would need -RemoteCredential on every call.
 */

/** Exchange's RequestStatus values a listed move can have. */
export const MOVE_STATUSES = [
  "Queued",
  "InProgress",
  "AutoSuspended",
  "Synced",
  "CompletionInProgress",
  "Completed",
  "CompletedWithWarning",
  "CompletedWithSkippedItems",
  "Failed",
  "Suspended",
  "Retrying",
] as const;
export type MoveStatus = (typeof MOVE_STATUSES)[number];

/** The data consistency score Exchange Online gives a move's skipped items, best first. */
export const CONSISTENCY_SCORES = ["Perfect", "Good", "Investigate", "Poor"] as const;
export type ConsistencyScore = (typeof CONSISTENCY_SCORES)[number];

/** Which parts of a mailbox a move takes (the CSV's MailboxType). */
export const MAILBOX_TYPES = ["PrimaryAndArchive", "PrimaryOnly", "ArchiveOnly"] as const;
export type MailboxType = (typeof MAILBOX_TYPES)[number];

export const ZERO_GUID = "00000000-0000-0000-0000-000000000000";

/** An Exchange Online recipient as pre-flight needs it. */
export interface RecipientFacts {
  readonly identity: string;
  readonly userPrincipalName: string;
  /** Lower case; the zero GUID when never synchronised. */
  readonly exchangeGuid: string;
  readonly archiveGuid: string;
  /** The Entra object id (for Graph: licence, notice). */
  readonly externalDirectoryObjectId?: string;
  readonly recipientTypeDetails: string;
}

export interface EndpointFacts {
  readonly identity: string;
  readonly remoteServer?: string;
  readonly maxConcurrentMigrations: number;
  readonly maxConcurrentIncrementalSyncs: number;
}

export interface MigrationUserFacts {
  readonly identity: string;
  readonly batchId: string;
  /** MigrationUserStatus: Queued, Syncing, Synced, Completing, Completed, Failed, Stopped, ... */
  readonly status: string;
  readonly mailboxGuid?: string;
}

/** A move as a batch listing shows it. */
export interface MoveFacts {
  readonly exchangeGuid: string;
  readonly identity: string;
  readonly status: MoveStatus;
  /** The migration batch, without Exchange's `MigrationService:` prefix. */
  readonly batch: string;
}

/** One move's statistics. */
export interface MoveStatisticsFacts extends MoveFacts {
  readonly statusDetail: string;
  readonly percentComplete: number;
  readonly bytesTransferred: number;
  readonly itemsTransferred: number;
  /** The source's size and items, primary and archive together (TotalMailbox*, TotalArchive*). */
  readonly totalBytes?: number;
  readonly totalItems?: number;
  /** BadItemsEncountered and LargeItemsEncountered. */
  readonly badItems?: number;
  readonly largeItems?: number;
  /** LastSuccessfulSyncTimestamp: the end of the last initial or incremental sync. */
  readonly lastSyncAt?: string;
  readonly score?: ConsistencyScore;
  /** When skipped items were last approved; undefined when never. */
  readonly skippedItemApprovalTime?: string;
  readonly completeAfter?: string;
  /** When MRS started copying, and finished the initial sync (StartTimestamp, InitialSeedingCompletedTimestamp). */
  readonly startedAt?: string;
  readonly initialSyncedAt?: string;
  readonly failureType?: string;
  readonly message?: string;
  readonly completedAt?: string;
}

export interface BatchFacts {
  readonly identity: string;
  readonly status: string;
  readonly totalCount: number;
  readonly completeAfter?: string;
}

export interface BatchUser {
  readonly email: string;
  /** Overrides the batch's choice for this user. */
  readonly mailboxType?: MailboxType;
}

/** A user to put in a migration batch, and the batch as it is created if it does not exist yet. */
export interface BatchRequest {
  readonly name: string;
  readonly endpoint: string;
  readonly targetDeliveryDomain: string;
  readonly archiveDomain?: string;
  readonly primaryOnly: boolean;
  readonly completeAfter: Date;
  readonly users: readonly BatchUser[];
}

export interface NewEndpointRequest {
  readonly name: string;
  readonly remoteServer: string;
  readonly userName: string;
  /** Passed once to New-MigrationEndpoint and dropped; never stored or logged. */
  readonly password: string;
  readonly maxConcurrentMigrations?: number;
  readonly maxConcurrentIncrementalSyncs?: number;
}

export interface HybridExchange {
  /** Test-MigrationServerAvailability -Endpoint: whether Exchange Online reaches the MRS proxy. */
  testEndpoint(name: string): Promise<{ readonly ok: boolean; readonly detail: string }>;
  findEndpoint(name: string): Promise<EndpointFacts | undefined>;
  createEndpoint(request: NewEndpointRequest): Promise<EndpointFacts>;
  /** Get-MailUser; undefined when there is no such mail user. */
  findMailUser(identity: string): Promise<RecipientFacts | undefined>;
  /** Get-Mailbox; undefined when the identity is not a mailbox in Exchange Online. */
  findMailbox(identity: string): Promise<RecipientFacts | undefined>;
  /** Get-MigrationUser -EmailAddress; undefined when the user is in no batch. */
  findMigrationUser(email: string): Promise<MigrationUserFacts | undefined>;
  /**
   * Puts users in a batch: Set-MigrationBatch -AddUsers, or New-MigrationBatch when the batch does
   * not exist. Users already in that batch are left as they are (Exchange processes only new
   * entries); a user in another batch raises ExchangeConflictError.
   */
  addToBatch(request: BatchRequest): Promise<"created" | "added">;
  /** Get-MoveRequest -BatchName "MigrationService:<batch>" [-Status], a page at a time. */
  listMoves(batch: string, status?: MoveStatus): AsyncIterable<readonly MoveFacts[]>;
  /** Get-MoveRequestStatistics; undefined when there is no such move. */
  moveStatistics(identity: string): Promise<MoveStatisticsFacts | undefined>;
  listBatches(): Promise<BatchFacts[]>;
  /** Set-MigrationUser -CompleteAfter. */
  setUserCompleteAfter(email: string, at: Date): Promise<void>;
  /** Set-MigrationBatch -CompleteAfter. */
  setBatchCompleteAfter(batch: string, at: Date): Promise<void>;
  /** Set-MigrationUser -ApproveSkippedItems. */
  approveSkippedItems(email: string): Promise<void>;
  /** Start-MigrationUser: a failed or stopped user runs again. */
  startUser(email: string): Promise<void>;
  /** Remove-MigrationUser (its move request goes with it). */
  removeUser(email: string): Promise<"removed" | "absent">;
  /** REST requests made so far (pages and retries count). */
  requests(): number;
}
