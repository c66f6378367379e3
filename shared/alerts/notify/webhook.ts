import pRetry, { AbortError } from "p-retry";
import { fetch } from "undici";
import type { WebhookFormat } from "../../config/index.js";
import type { Logger } from "../../telemetry/logger.js";
import { NotificationError } from "../errors.js";
import { webhookBody } from "./format.js";
import type { AlertNotice } from "./notice.js";
import type { NoticeChannel } from "./notifier.js";

export interface WebhookOptions {
  readonly url: string;
  readonly format: WebhookFormat;
  readonly logger: Logger;
  /** Retries after the first attempt (default 4). */
  readonly retries?: number;
  /** Wait before the first retry, doubling each time (default 1 s). */
  readonly minDelayMs?: number;
  /** Longest wait between attempts (default 15 s). */
  readonly maxDelayMs?: number;
  /** How long one attempt may take (default 10 s). */
  readonly attemptTimeoutMs?: number;
}

/** Whether an HTTP status is worth another attempt (server trouble, timeouts, throttling). */
function retryable(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * Posts notices to a webhook, retrying with exponential backoff. Only the URL's origin is ever
 * logged: chat webhooks carry their secret in the path.
 */
export class WebhookChannel implements NoticeChannel {
  readonly name = "webhook";
  private readonly origin: string;

  constructor(private readonly options: WebhookOptions) {
    this.origin = new URL(options.url).origin;
  }

  async send(notice: AlertNotice): Promise<void> {
    const body = JSON.stringify(webhookBody(notice, this.options.format));
    await pRetry(
      async () => {
        let status: number;
        try {
          const response = await fetch(this.options.url, {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body,
            signal: AbortSignal.timeout(this.options.attemptTimeoutMs ?? 10_000),
          });
          status = response.status;
          // Drain the answer so the connection can be reused.
          await response.arrayBuffer();
        } catch (error) {
          throw new NotificationError(this.name, `${this.origin} could not be reached`, { cause: error });
        }
        if (status >= 200 && status < 300) return;
        const failure = new NotificationError(this.name, `${this.origin} answered ${status}`, { status });
        // A client error will not go away by asking again.
        throw retryable(status) ? failure : new AbortError(failure);
      },
      {
        retries: this.options.retries ?? 4,
        factor: 2,
        minTimeout: this.options.minDelayMs ?? 1_000,
        maxTimeout: this.options.maxDelayMs ?? 15_000,
        onFailedAttempt: (error) => {
          this.options.logger.warn("webhook attempt failed", {
            origin: this.origin,
            rule: notice.rule,
            subject: notice.subject,
            attempt: error.attemptNumber,
            retriesLeft: error.retriesLeft,
            error: error.message,
          });
        },
      },
    );
  }
}
