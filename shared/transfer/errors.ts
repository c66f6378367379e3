import { MailferryError } from "../errors.js";

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
  | "MalformedMessage";

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
