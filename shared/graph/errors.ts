import { MailferryError } from "../errors.js";

/** A Graph connection cannot be used as given (no credential, or an unusable address). */
export class GraphConnectionError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GraphConnectionError";
  }
}

/** Why an account cannot be moved; recorded on the Failed account for operators. */
export type FailureClass =
  | "SourceUserNotFound"
  | "TargetUserNotFound"
  | "TargetNotLicensed"
  | "MailboxNotFound"
  | "TargetArchiveMissing"
  | "UsageLocationMissing"
  | "LicenceAssignmentFailed"
  | "ImportRefused"
  | "FolderRefused"
  | "BadItemLimitExceeded"
  | "MalformedMessage"
  | "TargetMailboxFull"
  | "ItemOnHold"
  | "OutsideApplicationScope";

/**
 * What an operator does about each failure class, shown with the failures (`mailferry failures`).
 * Each ends with what a retry does, so nobody fears copying twice.
 */
export const FAILURE_HINTS: Readonly<Record<FailureClass, string>> = {
  SourceUserNotFound: "Check the inventory row's source UPN (or object id), then retry the account.",
  TargetUserNotFound:
    "Create the target user, or fix the inventory row's target UPN, then retry the account.",
  TargetNotLicensed:
    "Assign the target user a licence with Exchange Online (or set the wave's --license-sku), then retry.",
  MailboxNotFound:
    "The user has no Exchange Online mailbox. A licence assigned minutes ago may still be provisioning: check Get-Mailbox, then retry the account.",
  TargetArchiveMissing: "Enable the target user's archive (Enable-Mailbox -Archive), then retry the account.",
  UsageLocationMissing: "Set the target user's usage location so a licence can be assigned, then retry.",
  LicenceAssignmentFailed: "See the reason; fix the licence (SKU, free units), then retry the account.",
  ImportRefused:
    "The target refused an import session: check the target app's MailboxItem.ImportExport.All consent, then retry.",
  FolderRefused:
    "The target refused to create a folder under that name: rename it in the target, then retry.",
  BadItemLimitExceeded:
    "Review the bad items (`mailferry report`); raise the wave's bad-item limit if they may be skipped, then retry: items already copied are not copied again.",
  MalformedMessage:
    "A message on the queue was not valid; see the reason. Replay it once the cause is fixed.",
  TargetMailboxFull:
    "The target mailbox is over its quota (ErrorQuotaExceeded). Raise its quota or licence, or enable its archive and an age policy, then retry: what was copied stays and is not copied again.",
  ItemOnHold:
    "The target refuses to delete items under a hold or retention label. Lift the hold, or run the wave without --mirror-deletions, then retry: the copy is otherwise complete.",
  OutsideApplicationScope:
    "The mailbox is outside the app's Exchange RBAC for Applications scope (or application access policy). Add it to the management scope (New-ManagementScope / New-ManagementRoleAssignment -App), then retry.",
};

/** Root of the transfer engine's errors. */
export class TransferError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TransferError";
  }
}

/** Retrying cannot help: the account ends Failed with this class and the message completes. */
export class PermanentTransferError extends TransferError {
  constructor(
    readonly failureClass: FailureClass,
    message: string,
    readonly code?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "PermanentTransferError";
  }
}

/** The service asked us to wait; the slice checkpoints and continues at `retryAt`. */
export class ThrottledError extends TransferError {
  constructor(
    readonly retryAt: Date,
    options?: { cause?: unknown },
  ) {
    super(`throttled until ${retryAt.toISOString()}`, options);
    this.name = "ThrottledError";
  }
}

/** A failure that may pass (5xx, reset connection, timeout): retried, then redelivered. */
export class TransientTransferError extends TransferError {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "TransientTransferError";
  }
}

/** A request for one item failed in a way that will not pass: the item is recorded as bad. */
export class ItemRejectedError extends TransferError {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ItemRejectedError";
  }
}

/** The import session expired or was refused as stale; create a new one. */
export class ImportSessionExpiredError extends TransferError {
  constructor(options?: { cause?: unknown }) {
    super("import session expired", options);
    this.name = "ImportSessionExpiredError";
  }
}

/**
 * A delta link the service no longer knows (410 Gone, or a 4xx with `syncStateNotFound`:
 * concepts/delta-query-overview.md, "Synchronization reset" and "Token duration"): the folder is
 * read again from scratch, and the item map keeps that from copying anything twice.
 */
export class DeltaExpiredError extends TransferError {
  constructor(options?: { cause?: unknown }) {
    super("the delta link expired; the folder must be read again in full", options);
    this.name = "DeltaExpiredError";
  }
}

/**
 * An import into an expanded archive folder: the folder's items live in another (auxiliary)
 * archive mailbox, where a session must be opened (concepts/handle-archive-mailbox-redirects.md).
 */
export class ImportRedirectError extends TransferError {
  constructor(
    readonly mailboxId: string,
    options?: { cause?: unknown },
  ) {
    super(`the import belongs in mailbox ${mailboxId}`, options);
    this.name = "ImportRedirectError";
  }
}

/** A mailbox that a freshly assigned licence has not provisioned yet: look again later. */
export class MailboxProvisioningError extends TransferError {
  constructor(
    readonly side: "source" | "target",
    options?: { cause?: unknown },
  ) {
    super(`the ${side} user is licensed but has no mailbox yet`, options);
    this.name = "MailboxProvisioningError";
  }
}
