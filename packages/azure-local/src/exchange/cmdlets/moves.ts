/**
 * Migration users and their move requests: Get-/Set-/Start-/Stop-/Remove-MigrationUser,
 * Get-MigrationUserStatistics, Get-MoveRequest, Get-MoveRequestStatistics and the move request
 * verbs. A removed migration user takes its move request with it.
 */
import { migrationError, notFound } from "../errors.js";
import type { Move } from "../model.js";
import {
  type CmdletContext,
  type CmdletHandler,
  date,
  findMove,
  flag,
  iso,
  migrationUserStatus,
  requireMove,
  sizeText,
  statusSummary,
  text,
} from "./context.js";

const REQUEST_STATUSES = new Set([
  "autosuspended",
  "completed",
  "completedwithskippeditems",
  "completedwithwarning",
  "completionInProgress".toLowerCase(),
  "failed",
  "inprogress",
  "queued",
  "retrying",
  "suspended",
  "synced",
]);

const USER_STATUSES = new Set(
  [
    "Completed",
    "CompletedWithWarnings",
    "Completing",
    "CompletionFailed",
    "CompletionSynced",
    "Corrupted",
    "Failed",
    "IncrementalFailed",
    "IncrementalStopped",
    "IncrementalSynced",
    "IncrementalSyncing",
    "Provisioning",
    "ProvisionUpdating",
    "Queued",
    "Removing",
    "Starting",
    "Stopped",
    "Stopping",
    "Synced",
    "Syncing",
    "Validating",
  ].map((status) => status.toLowerCase()),
);

function itemsCopied(context: CmdletContext, move: Move): number {
  if (move.totalBytes === 0) return move.phase === "done" ? move.totalItems : 0;
  return Math.round((move.totalItems * context.mrs.copied(move)) / move.totalBytes);
}

function percent(context: CmdletContext, move: Move): number {
  if (move.phase === "done") return 100;
  if (move.syncedAt !== undefined) return 95;
  if (move.totalBytes === 0) return 0;
  // Exchange reports up to 95 % for the initial sync; the completion adds the rest.
  return Math.floor((95 * context.mrs.copied(move)) / move.totalBytes);
}

function userView(context: CmdletContext, move: Move): Record<string, unknown> {
  return {
    Identity: move.email,
    MailboxEmailAddress: move.email,
    BatchId: move.batch,
    Status: migrationUserStatus(move),
    StatusSummary: statusSummary(move),
    MailboxGuid: move.exchangeGuid,
    RequestGuid: move.requestGuid,
    RecipientType: "MailUser",
    LastSuccessfulSyncTime: iso(move.lastSyncAt),
    SyncedItemCount: itemsCopied(context, move),
    SkippedItemCount: move.syncedAt === undefined ? 0 : move.skippedItems,
    ErrorSummary: move.failure?.message ?? "",
  };
}

function userStatistics(context: CmdletContext, move: Move): Record<string, unknown> {
  return {
    ...userView(context, move),
    PercentageComplete: percent(context, move),
    BytesTransferred: sizeText(context.mrs.copied(move)),
    EstimatedTotalTransferSize: sizeText(move.totalBytes),
    TotalItemsInSourceMailboxCount: move.totalItems,
    BadItemsEncountered: move.skippedItems,
    LargeItemsEncountered: 0,
    DataConsistencyScore: move.score ?? null,
    HasUnapprovedSkippedItems: context.mrs.needsApproval(move),
    Error: move.failure === undefined ? null : `${move.failure.type}: ${move.failure.message}`,
  };
}

function moveView(context: CmdletContext, move: Move): Record<string, unknown> {
  const source = context.org.onPrem.get(move.email);
  return {
    Identity: source?.alias ?? move.email,
    Alias: source?.alias ?? move.email,
    DisplayName: source?.displayName ?? move.email,
    ExchangeGuid: move.exchangeGuid,
    ArchiveGuid: move.archiveGuid ?? null,
    RequestGuid: move.requestGuid,
    Status: move.status,
    BatchName: `MigrationService:${move.batch}`,
    RemoteHostName: context.org.endpoints.get(move.endpoint)?.remoteServer ?? null,
    Flags: [
      "CrossOrg",
      "Pull",
      ...(move.mailboxType === "ArchiveOnly" ? ["MoveOnlyArchiveMailbox"] : []),
      ...(move.mailboxType === "PrimaryOnly" ? ["MoveOnlyPrimaryMailbox"] : []),
    ].join(", "),
    Suspend: move.phase === "stopped",
    SuspendWhenReadyToComplete: false,
  };
}

function moveStatistics(context: CmdletContext, move: Move): Record<string, unknown> {
  const source = context.org.onPrem.get(move.email);
  return {
    ...moveView(context, move),
    StatusDetail: move.statusDetail,
    PercentComplete: percent(context, move),
    BytesTransferred: sizeText(context.mrs.copied(move)),
    ItemsTransferred: itemsCopied(context, move),
    TotalMailboxSize: sizeText(move.mailboxType === "ArchiveOnly" ? 0 : (source?.primary.bytes ?? 0)),
    TotalMailboxItemCount: move.mailboxType === "ArchiveOnly" ? 0 : (source?.primary.items ?? 0),
    TotalArchiveSize:
      move.mailboxType === "PrimaryOnly" || source?.archive === undefined
        ? null
        : sizeText(source.archive.bytes),
    TotalArchiveItemCount:
      move.mailboxType === "PrimaryOnly" || source?.archive === undefined ? null : source.archive.items,
    BadItemsEncountered: move.skippedItems,
    LargeItemsEncountered: 0,
    DataConsistencyScore: move.score ?? null,
    SkippedItemApprovalTime: iso(move.skippedItemApprovalTime),
    CompleteAfter: iso(context.mrs.effectiveCompleteAfter(move)),
    QueuedTimestamp: iso(move.createdAt),
    StartTimestamp: iso(move.startedAt),
    InitialSeedingCompletedTimestamp: iso(move.syncedAt),
    LastSuccessfulSyncTimestamp: iso(move.lastSyncAt),
    CompletionTimestamp: iso(move.completedAt),
    FailureType: move.failure?.type ?? null,
    FailureSide: move.failure === undefined ? null : "Source",
    FailureTimestamp: iso(move.failure?.at),
    Message: move.failure?.message ?? "",
  };
}

export const getMigrationUser: CmdletHandler = (call, context) => {
  const identity = text(call, "Identity") ?? text(call, "EmailAddress");
  if (identity !== undefined) return [userView(context, requireMove(context.org, identity))];
  const mailboxGuid = text(call, "MailboxGuid");
  if (mailboxGuid !== undefined) {
    const move = [...context.org.moves.values()].find((candidate) => candidate.exchangeGuid === mailboxGuid);
    return move === undefined ? [] : [userView(context, move)];
  }
  const batch = text(call, "BatchId")?.toLowerCase();
  const status = text(call, "Status")?.toLowerCase();
  if (status !== undefined && !USER_STATUSES.has(status))
    throw migrationError(
      "MigrationPermanentException",
      `'${text(call, "Status") ?? ""}' isn't a MigrationUserStatus value.`,
    );
  if (batch !== undefined && !context.org.batches.has(batch)) throw notFound(text(call, "BatchId") ?? "");
  return sorted(context)
    .filter((move) => batch === undefined || move.batch === batch)
    .filter((move) => status === undefined || migrationUserStatus(move).toLowerCase() === status)
    .map((move) => userView(context, move));
};

export const getMigrationUserStatistics: CmdletHandler = (call, context) => [
  userStatistics(context, requireMove(context.org, text(call, "Identity") ?? "")),
];

export const setMigrationUser: CmdletHandler = (call, context) => {
  const move = requireMove(context.org, text(call, "Identity") ?? "");
  const completeAfter = date(call, "CompleteAfter");
  if (completeAfter !== undefined) {
    move.completeAfter = completeAfter.getTime();
    context.mrs.completeAfterChanged(move);
  }
  if (flag(call, "ApproveSkippedItems") && move.syncedAt !== undefined && move.skippedItems > 0) {
    move.skippedItemApprovalTime = context.now;
    context.mrs.approved(move);
  }
  return [];
};

export const startMigrationUser: CmdletHandler = (call, context) => {
  const move = requireMove(context.org, text(call, "Identity") ?? "");
  if (move.phase !== "failed" && move.phase !== "stopped")
    throw migrationError(
      "MigrationPermanentException",
      `The migration user '${move.email}' can't be started because it is ${migrationUserStatus(move)}.`,
    );
  context.mrs.restart(move);
  return [];
};

export const stopMigrationUser: CmdletHandler = (call, context) => {
  const move = requireMove(context.org, text(call, "Identity") ?? "");
  context.mrs.stop(move);
  return [];
};

export const removeMigrationUser: CmdletHandler = (call, context) => {
  const move = requireMove(context.org, text(call, "Identity") ?? "");
  removeMove(context, move);
  return [];
};

function removeMove(context: CmdletContext, move: Move): void {
  context.mrs.remove(move);
  context.org.moves.delete(move.email);
  const batch = context.org.batches.get(move.batch);
  if (batch !== undefined) {
    const at = batch.users.indexOf(move.email);
    if (at >= 0) batch.users.splice(at, 1);
  }
}

/** Moves in creation order, so listings page stably. */
function sorted(context: CmdletContext): Move[] {
  return [...context.org.moves.values()].sort((a, b) => a.order - b.order);
}

export const getMoveRequest: CmdletHandler = (call, context) => {
  const identity = text(call, "Identity");
  if (identity !== undefined) return [moveView(context, requireMove(context.org, identity))];
  const batchName = text(call, "BatchName")?.toLowerCase();
  const status = text(call, "Status")?.toLowerCase();
  if (status !== undefined && !REQUEST_STATUSES.has(status))
    throw migrationError(
      "MigrationPermanentException",
      `'${text(call, "Status") ?? ""}' isn't a RequestStatus value.`,
    );
  return sorted(context)
    .filter((move) => batchName === undefined || `migrationservice:${move.batch}` === batchName)
    .filter((move) => status === undefined || move.status.toLowerCase() === status)
    .map((move) => moveView(context, move));
};

export const getMoveRequestStatistics: CmdletHandler = (call, context) => [
  moveStatistics(context, requireMove(context.org, text(call, "Identity") ?? "")),
];

export const resumeMoveRequest: CmdletHandler = (call, context) => {
  const move = requireMove(context.org, text(call, "Identity") ?? "");
  context.mrs.restart(move);
  return [];
};

export const suspendMoveRequest: CmdletHandler = (call, context) => {
  const move = requireMove(context.org, text(call, "Identity") ?? "");
  context.mrs.stop(move);
  return [];
};

export const removeMoveRequest: CmdletHandler = (call, context) => {
  const identity = text(call, "Identity") ?? "";
  const move = findMove(context.org, identity);
  if (move === undefined) throw notFound(identity);
  removeMove(context, move);
  return [];
};

export const setMoveRequest: CmdletHandler = (call, context) => {
  const move = requireMove(context.org, text(call, "Identity") ?? "");
  const completeAfter = date(call, "CompleteAfter");
  if (completeAfter !== undefined) {
    move.completeAfter = completeAfter.getTime();
    context.mrs.completeAfterChanged(move);
  }
  const approval = date(call, "SkippedItemApprovalTime");
  if (approval !== undefined && move.syncedAt !== undefined) {
    move.skippedItemApprovalTime = approval.getTime();
    context.mrs.approved(move);
  }
  return [];
};
