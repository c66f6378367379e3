import { AzureLocalError } from "../errors.js";

/** The emulator cannot start or was asked for something it does not hold (bad options, unknown queue). */
export class ServiceBusEmulatorError extends AzureLocalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ServiceBusEmulatorError";
  }
}

/** A client sent a frame or message the emulator cannot make sense of (answered as an AMQP error). */
export class AmqpRequestError extends AzureLocalError {
  /** The AMQP error condition sent back, e.g. `amqp:decode-error` or `com.microsoft:argument-error`. */
  readonly condition: string;
  /** The status code used when the request came through `$management` or `$cbs`. */
  readonly statusCode: number;
  constructor(condition: string, statusCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AmqpRequestError";
    this.condition = condition;
    this.statusCode = statusCode;
  }
}

/** A SAS token was missing, malformed, expired, or signed with another key. */
export class SasTokenError extends AzureLocalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SasTokenError";
  }
}
