import { MailferryError } from "../../shared/errors.js";

/** The local host cannot run a definition as given (bad schedule, unknown setting, route clash). */
export class HostConfigurationError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "HostConfigurationError";
  }
}

/** The functions of the local host did not run as often as a caller waited for, in time. */
export class HostWaitTimeoutError extends MailferryError {
  constructor(message: string) {
    super(message);
    this.name = "HostWaitTimeoutError";
  }
}
