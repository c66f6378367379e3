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

/**
 * A `moves` message names an account that does not exist, or a wave the account is not in: no
 * delivery can ever work it. It is thrown, so the message is dead-lettered for an operator.
 */
export class UnknownMoveTargetError extends MailferryError {
  constructor(
    readonly what: "account" | "wave",
    readonly id: string,
    readonly messageId: string,
  ) {
    super(`moves message ${messageId} names ${what} ${JSON.stringify(id)}, which does not exist`);
    this.name = "UnknownMoveTargetError";
  }
}
