import type { Client } from "@microsoft/microsoft-graph-client";
import pRetry, { AbortError } from "p-retry";
import type { Logger } from "../../telemetry/logger.js";
import { NotificationError } from "../errors.js";
import { mailRequest } from "./format.js";
import type { AlertNotice } from "./notice.js";
import type { NoticeChannel } from "./notifier.js";

/** The part of the Graph client the mail channel uses. */
export type MailClient = Pick<Client, "api">;

/** How the mail channel retries; every field is optional. */
export interface MailRetryOptions {
  /** Where failed attempts are logged (warnings: the notifier logs a notice that never got through). */
  readonly logger?: Logger;
  /** Retries after the first attempt (default 4). */
  readonly retries?: number;
  /** Wait before the first retry, doubling each time (default 1 s). */
  readonly minDelayMs?: number;
  /** Longest wait between attempts (default 15 s). */
  readonly maxDelayMs?: number;
}

function statusOf(error: unknown): number | undefined {
  return error !== null &&
    typeof error === "object" &&
    "statusCode" in error &&
    typeof error.statusCode === "number" &&
    error.statusCode > 0
    ? error.statusCode
    : undefined;
}

/** Whether a failed sendMail is worth another attempt: no answer, server trouble, throttling. */
function retryable(status: number | undefined): boolean {
  return status === undefined || status >= 500 || status === 408 || status === 429;
}

/**
 * Mails notices to the operations address through Graph `sendMail`, sent as a licensed mailbox of
 * the target tenant with the target app (Mail.Send). The Graph client's retry handler absorbs 429,
 * 503 and 504; this channel also retries other server errors and lost connections with backoff
 * (p-retry), so a passing fault does not lose an alert. A retried send may, rarely, mail a notice
 * twice: for an alert that is better than not at all.
 */
export class MailChannel implements NoticeChannel {
  readonly name = "mail";

  constructor(
    private readonly client: MailClient,
    private readonly from: string,
    private readonly to: string,
    private readonly retry: MailRetryOptions = {},
  ) {}

  async send(notice: AlertNotice): Promise<void> {
    await pRetry(
      async () => {
        try {
          await this.client
            .api(`/users/${encodeURIComponent(this.from)}/sendMail`)
            .post(mailRequest(notice, this.to));
        } catch (error) {
          const status = statusOf(error);
          const failure = new NotificationError(
            this.name,
            `sendMail as the alert sender failed${status ? ` (${status})` : ""}`,
            { cause: error, ...(status !== undefined ? { status } : {}) },
          );
          // A refused request (no permission, a bad address) will not pass by asking again.
          throw retryable(status) ? failure : new AbortError(failure);
        }
      },
      {
        retries: this.retry.retries ?? 4,
        factor: 2,
        minTimeout: this.retry.minDelayMs ?? 1_000,
        maxTimeout: this.retry.maxDelayMs ?? 15_000,
        onFailedAttempt: (error) => {
          this.retry.logger?.warn("alert mail attempt failed", {
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
