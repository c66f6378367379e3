/**
 * The Exchange Online adapter's errors, classified by `name`. A cmdlet's own refusal keeps the
 * exception type Exchange reported (the middle part of `details[0].message`,
 * `<code>|<type>|<message>`); throttling and outages are what remains after the adapter's own
 * retries, for the caller to reschedule.
 */
import { MailferryError } from "../errors.js";

/** Root of the adapter's errors. */
export class ExchangeError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExchangeError";
  }
}

/** The settings do not describe a usable connection. */
export class ExchangeConnectionError extends ExchangeError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ExchangeConnectionError";
  }
}

/** A cmdlet refused what it was asked, as Exchange reported it. */
export class ExchangeCommandError extends ExchangeError {
  constructor(
    readonly cmdlet: string,
    readonly status: number,
    /** .NET exception type, e.g. Microsoft.Exchange.Migration.MigrationUserAlreadyExistsException. */
    readonly exceptionType: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${cmdlet} failed (${shortType(exceptionType)}): ${message}`, options);
    this.name = "ExchangeCommandError";
  }

  /** The exception type without its namespace. */
  get type(): string {
    return shortType(this.exceptionType);
  }
}

/** The object named does not exist (ManagementObjectNotFoundException, 404). */
export class ExchangeNotFoundError extends ExchangeCommandError {
  constructor(cmdlet: string, status: number, exceptionType: string, message: string) {
    super(cmdlet, status, exceptionType, message);
    this.name = "ExchangeNotFoundError";
  }
}

/** The object exists already (a batch name in use, a user in another batch, an endpoint). */
export class ExchangeConflictError extends ExchangeCommandError {
  constructor(cmdlet: string, status: number, exceptionType: string, message: string) {
    super(cmdlet, status, exceptionType, message);
    this.name = "ExchangeConflictError";
  }
}

/** The call itself is wrong (unknown cmdlet or parameter, no parameter set): a defect, never retried. */
export class ExchangeUsageError extends ExchangeCommandError {
  constructor(cmdlet: string, status: number, exceptionType: string, message: string) {
    super(cmdlet, status, exceptionType, message);
    this.name = "ExchangeUsageError";
  }
}

/** The app may not call the endpoint (401/403): a permission or consent to fix, not to retry. */
export class ExchangeAuthError extends ExchangeError {
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ExchangeAuthError";
  }
}

/** Still throttled (429) or refused for the tenant's concurrent-request limit after the retries. */
export class ExchangeThrottledError extends ExchangeError {
  constructor(
    readonly retryAt: Date,
    readonly reason: "throttled" | "concurrency",
    options?: { cause?: unknown },
  ) {
    super(
      reason === "concurrency"
        ? `the tenant's concurrent-request limit was reached; retry after ${retryAt.toISOString()}`
        : `Exchange Online throttled the request; retry after ${retryAt.toISOString()}`,
      options,
    );
    this.name = "ExchangeThrottledError";
  }
}

/** Exchange Online did not answer usefully (5xx, reset, timeout) after the retries. */
export class ExchangeUnavailableError extends ExchangeError {
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ExchangeUnavailableError";
  }
}

export function shortType(exceptionType: string): string {
  return exceptionType.split(".").pop() ?? exceptionType;
}

const USAGE_TYPES = [
  "ParameterBindingException",
  "CommandNotFoundException",
  "ParameterBindingValidationException",
];

/** The error class for a cmdlet's refusal. */
export function commandError(
  cmdlet: string,
  status: number,
  exceptionType: string,
  message: string,
): ExchangeCommandError {
  const type = shortType(exceptionType);
  if (USAGE_TYPES.includes(type)) return new ExchangeUsageError(cmdlet, status, exceptionType, message);
  if (status === 404 || /NotFound/i.test(type))
    return new ExchangeNotFoundError(cmdlet, status, exceptionType, message);
  if (/AlreadyExist|AlreadyUsed|Duplicate/i.test(type))
    return new ExchangeConflictError(cmdlet, status, exceptionType, message);
  return new ExchangeCommandError(cmdlet, status, exceptionType, message);
}
