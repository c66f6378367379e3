import { asError } from "../../errors.js";
import type { Logger } from "../../telemetry/logger.js";
import type { AlertNotice } from "./notice.js";

/** One way of telling people (a webhook, mail). `send` throws when the notice did not get through. */
export interface NoticeChannel {
  readonly name: string;
  send(notice: AlertNotice): Promise<void>;
}

export interface DeliveryFailure {
  readonly channel: string;
  readonly rule: string;
  readonly subject: string;
  readonly error: string;
}

export interface DeliveryReport {
  /** Notices times channels that got through. */
  readonly delivered: number;
  readonly failed: readonly DeliveryFailure[];
}

/**
 * Sends every notice through every channel at once. It never throws: a channel that fails (after
 * its own retries) is logged and reported, and the others go on.
 */
export class AlertNotifier {
  constructor(
    private readonly channels: readonly NoticeChannel[],
    private readonly logger: Logger,
  ) {}

  /** The channel names, for logs and status. */
  get channelNames(): readonly string[] {
    return this.channels.map((channel) => channel.name);
  }

  async deliver(notices: readonly AlertNotice[]): Promise<DeliveryReport> {
    const attempts = notices.flatMap((notice) =>
      this.channels.map(async (channel): Promise<DeliveryFailure | undefined> => {
        try {
          await channel.send(notice);
          return undefined;
        } catch (thrown) {
          const error = asError(thrown);
          this.logger.error("alert notification failed", {
            channel: channel.name,
            rule: notice.rule,
            subject: notice.subject,
            status: notice.status,
            error,
          });
          return { channel: channel.name, rule: notice.rule, subject: notice.subject, error: error.message };
        }
      }),
    );
    const failed = (await Promise.all(attempts)).filter((entry) => entry !== undefined);
    return { delivered: attempts.length - failed.length, failed };
  }
}
