import { MailferryError } from "../errors.js";

/** One rejected field of a request: where it is (e.g. `body.waveId`) and what is wrong with it. */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** A request (HTTP body or query, CLI options) does not match its schema. */
export class RequestValidationError extends MailferryError {
  readonly fields: readonly FieldProblem[];
  constructor(fields: readonly FieldProblem[], options?: { cause?: unknown }) {
    super(`invalid request: ${fields.map((field) => `${field.path} ${field.message}`).join("; ")}`, options);
    this.name = "RequestValidationError";
    this.fields = fields;
  }
}

/** A request body larger than the API accepts; nothing of it was read as input. */
export class BodyTooLargeError extends MailferryError {
  readonly limitBytes: number;
  constructor(limitBytes: number, sizeBytes: number | undefined) {
    super(
      `the request body${sizeBytes === undefined ? "" : ` (${sizeBytes} bytes)`} is over ${limitBytes} bytes, the most this API accepts`,
    );
    this.name = "BodyTooLargeError";
    this.limitBytes = limitBytes;
  }
}

/** The request carries no usable App Service principal. */
export class UnauthenticatedError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "UnauthenticatedError";
  }
}

/** The caller is known but lacks the role the operation needs. */
export class ForbiddenError extends MailferryError {
  readonly requiredRole: string;
  readonly roles: readonly string[];
  constructor(requiredRole: string, roles: readonly string[]) {
    super(
      `role ${requiredRole} is required; the caller has ${roles.length === 0 ? "no mailferry role" : roles.join(", ")}`,
    );
    this.name = "ForbiddenError";
    this.requiredRole = requiredRole;
    this.roles = roles;
  }
}

/** A purge whose confirmation does not match what it would remove; nothing was removed. */
export class ConfirmationMismatchError extends MailferryError {
  readonly expected: number;
  readonly actual: number;
  constructor(expected: number, actual: number) {
    super(
      `the purge was confirmed for ${expected} messages but ${actual} match now; list them again and confirm that count`,
    );
    this.name = "ConfirmationMismatchError";
    this.expected = expected;
    this.actual = actual;
  }
}

/** A dead-lettered message that is not (or no longer) in the sub-queue. */
export class DeadLetterNotFoundError extends MailferryError {
  readonly sequenceNumber: number;
  constructor(queue: string, sequenceNumber: number) {
    super(`no message with sequence number ${sequenceNumber} is dead-lettered on ${queue}`);
    this.name = "DeadLetterNotFoundError";
    this.sequenceNumber = sequenceNumber;
  }
}

/** A wave operation that its current status does not allow (e.g. completing a cancelled wave). */
export class WaveClosedError extends MailferryError {
  readonly waveId: string;
  constructor(waveId: string, status: string, operation: string) {
    super(`wave ${waveId} is ${status}: ${operation} is not possible any more`);
    this.name = "WaveClosedError";
    this.waveId = waveId;
  }
}

/** An account operation that the account's status does not allow (e.g. completing a Failed account). */
export class AccountClosedError extends MailferryError {
  readonly accountId: string;
  readonly status: string;
  constructor(accountId: string, status: string, operation: string, hint: string) {
    super(`account ${accountId} is ${status}: ${operation} is not possible (${hint})`);
    this.name = "AccountClosedError";
    this.accountId = accountId;
    this.status = status;
  }
}
