/**
 * Root of every error mailferry raises on purpose. Each area keeps its own `errors.ts` with named
 * subclasses; callers classify failures by `name`, and the original failure is kept as `cause`.
 */
export class MailferryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MailferryError";
  }
}

/** An input from outside (setting, CSV row, message, HTTP body) is not acceptable. */
export class ValidationError extends MailferryError {
  /** Where the bad input was found, e.g. `line 12, column upn` or `body.waveId`. */
  readonly where: string;
  constructor(where: string, message: string, options?: { cause?: unknown }) {
    super(`${where}: ${message}`, options);
    this.name = "ValidationError";
    this.where = where;
  }
}

/** Narrows an unknown thrown value to an Error without losing what it was. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
