import { MailferryError } from "../errors.js";

/**
 * A move cannot go on: the account ends Failed with this class and the message completes. Used by
 * engines other than the copy (whose PermanentTransferError says the same); the class is what
 * operators group failures by and retry, the hint what fixes it.
 */
export class MoveFailedError extends MailferryError {
  constructor(
    readonly failureClass: string,
    message: string,
    readonly code: string = failureClass,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "MoveFailedError";
  }
}
