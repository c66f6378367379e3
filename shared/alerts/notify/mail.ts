import type { Client } from "@microsoft/microsoft-graph-client";
import { NotificationError } from "../errors.js";
import { mailRequest } from "./format.js";
import type { AlertNotice } from "./notice.js";
import type { NoticeChannel } from "./notifier.js";

/** The part of the Graph client the mail channel uses. */
export type MailClient = Pick<Client, "api">;

/**
 * Mails notices to the operations address through Graph `sendMail`, sent as a licensed mailbox of
 * the target tenant with the target app (Mail.Send). The Graph client's own retry handler
 * absorbs throttling and brief outages.
 */
export class MailChannel implements NoticeChannel {
  readonly name = "mail";

  constructor(
    private readonly client: MailClient,
    private readonly from: string,
    private readonly to: string,
  ) {}

  async send(notice: AlertNotice): Promise<void> {
    try {
      await this.client
        .api(`/users/${encodeURIComponent(this.from)}/sendMail`)
        .post(mailRequest(notice, this.to));
    } catch (error) {
      const status =
        error !== null &&
        typeof error === "object" &&
        "statusCode" in error &&
        typeof error.statusCode === "number"
          ? error.statusCode
          : undefined;
      throw new NotificationError(
        this.name,
        `sendMail as the alert sender failed${status ? ` (${status})` : ""}`,
        {
          cause: error,
          ...(status !== undefined ? { status } : {}),
        },
      );
    }
  }
}
