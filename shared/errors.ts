/**
 * Root of every error mailferry raises on purpose. Each area keeps its own `errors.ts` with named
 * subclasses, and the original failure is kept as `cause`. Callers classify failures with
 * `instanceof` against these classes, never by comparing `name` strings: `instanceof` narrows the
 * type (a handler reads `error.fields` or `error.where` without a cast), a renamed class is a
 * compile error rather than a silent miss, and subclasses are caught by their parent. It holds
 * because a mailferry error never crosses a realm: the app, the CLI and the local host classify
 * only errors raised in their own process by their own copy of this module (child processes and
 * the emulators answer through exit codes and protocol replies, not error objects). `name` stays
 * set for logs and for tests that assert which error was raised.
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

/** A class of error, as `instanceof` takes it. */
export type ErrorClass<T extends Error = Error> = abstract new (...args: never[]) => T;

/** Whether `error` is an instance of any of `classes` (a named set of kinds, e.g. the refusals). */
export function isAnyOf<C extends ErrorClass>(
  error: unknown,
  classes: readonly C[],
): error is InstanceType<C> {
  return classes.some((kind) => error instanceof kind);
}

/** Narrows an unknown thrown value to an Error without losing what it was. */
export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}
