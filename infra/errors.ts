import { MailferryError } from "../shared/errors.js";

/** A queue definition asks for something Service Bus cannot be configured to do. */
export class QueueTopologyError extends MailferryError {
  readonly queue: string;
  constructor(queue: string, message: string, options?: { cause?: unknown }) {
    super(`queue ${queue}: ${message}`, options);
    this.name = "QueueTopologyError";
    this.queue = queue;
  }
}

/** The deployment package cannot be laid out as asked (no build, a dependency missing). */
export class PackageLayoutError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PackageLayoutError";
  }
}
