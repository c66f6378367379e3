import { MailferryError } from "../errors.js";

/** Root of the alerting area's errors. */
export class AlertsError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AlertsError";
  }
}

/** A rule's state changed since it was read (another evaluation ran at the same time). */
export class AlertStateConflictError extends AlertsError {
  readonly key: string;
  constructor(key: string, options?: { cause?: unknown }) {
    super(`alert state ${key} was changed by another evaluation`, options);
    this.name = "AlertStateConflictError";
    this.key = key;
  }
}

/** A notification channel (webhook, mail) did not accept a notice. */
export class NotificationError extends AlertsError {
  readonly channel: string;
  /** HTTP status of the last answer, when there was one. */
  readonly status?: number;
  constructor(channel: string, message: string, options?: { cause?: unknown; status?: number }) {
    super(`${channel}: ${message}`, options);
    this.name = "NotificationError";
    this.channel = channel;
    if (options?.status !== undefined) this.status = options.status;
  }
}

/** The dead-letter depth of a queue could not be measured. */
export class QueueDepthError extends AlertsError {
  readonly queue: string;
  constructor(queue: string, message: string, options?: { cause?: unknown }) {
    super(`queue ${queue}: ${message}`, options);
    this.name = "QueueDepthError";
    this.queue = queue;
  }
}
