import { MailferryError } from "../errors.js";

export { IllegalTransitionError, LeaseHeldError } from "../domain/errors.js";

/** The caller's ETag is stale: someone else changed the record first. Nothing was written. */
export class ConcurrencyConflictError extends MailferryError {
  readonly entity: "account" | "wave";
  readonly id: string;
  constructor(entity: "account" | "wave", id: string, options?: { cause?: unknown }) {
    super(`${entity} ${id} was changed by someone else; read it again and decide again`, options);
    this.name = "ConcurrencyConflictError";
    this.entity = entity;
    this.id = id;
  }
}

/**
 * Whether a conditional write lost to another writer (ConcurrencyConflictError): the caller reads
 * the record again and decides again. The one conflict test; the store's adapters turn Table
 * Storage's 409/412 answers into this error.
 */
export function isConflict(error: unknown): error is ConcurrencyConflictError {
  return error instanceof ConcurrencyConflictError;
}

/** The account or wave does not exist. */
export class NotFoundError extends MailferryError {
  readonly entity: "account" | "wave";
  readonly id: string;
  constructor(entity: "account" | "wave", id: string, options?: { cause?: unknown }) {
    super(`${entity} ${id} does not exist`, options);
    this.name = "NotFoundError";
    this.entity = entity;
    this.id = id;
  }
}

/** Creating something that exists already. */
export class AlreadyExistsError extends MailferryError {
  readonly entity: "account" | "wave";
  readonly id: string;
  constructor(entity: "account" | "wave", id: string, options?: { cause?: unknown }) {
    super(`${entity} ${id} exists already`, options);
    this.name = "AlreadyExistsError";
    this.entity = entity;
    this.id = id;
  }
}

/**
 * A write kept colliding with concurrent writers (or storage kept refusing) after every retry.
 * Transient: the caller's platform should retry the whole operation later.
 */
export class StoreBusyError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StoreBusyError";
  }
}

/** Table Storage answered in a way the store does not expect (misconfiguration, outage). */
export class StoreUnavailableError extends MailferryError {
  readonly statusCode?: number;
  constructor(message: string, options?: { cause?: unknown; statusCode?: number }) {
    super(message, options);
    this.name = "StoreUnavailableError";
    if (options?.statusCode !== undefined) this.statusCode = options.statusCode;
  }
}

/** A write collided on a row shared by many writers (a wave counter); retried, never surfaced. */
export class ContentionError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ContentionError";
  }
}
