/**
 * Cutover notices on the `cutovers` queue: the hook for routing changes an organisation makes
 * outside Graph (mail routing, directory sync). One notice per account and attempt; the MessageId
 * makes a repeated announcement a duplicate the broker drops.
 */
import type { ServiceBusClient, ServiceBusSender } from "@azure/service-bus";
import { fitMessageId, MAX_MESSAGE_ID } from "./messages.js";
import { CUTOVERS_QUEUE } from "./topology.js";

/** Version 1 of a `cutovers` message. */
export interface CutoverNotice {
  readonly v: 1;
  readonly waveId: string;
  readonly accountId: string;
  readonly attempt: number;
  readonly sourceUpn: string;
  readonly targetUpn: string;
  readonly targetUserId: string;
  /** When the final pass finished. */
  readonly cutoverAt: string;
}

/** Publishes cutover notices. */
export interface CutoverAnnouncer {
  announce(notice: CutoverNotice): Promise<void>;
  close(): Promise<void>;
}

/** The MessageId of an account's cutover notice. */
export function cutoverMessageId(notice: Pick<CutoverNotice, "accountId" | "attempt">): string {
  return fitMessageId(`cutover:${notice.accountId}:${notice.attempt}`);
}

/** CutoverAnnouncer on Service Bus. */
export class ServiceBusCutoverAnnouncer implements CutoverAnnouncer {
  private readonly sender: ServiceBusSender;

  constructor(client: ServiceBusClient, queueName: string = CUTOVERS_QUEUE.name) {
    this.sender = client.createSender(queueName);
  }

  async announce(notice: CutoverNotice): Promise<void> {
    await this.sender.sendMessages({
      messageId: cutoverMessageId(notice),
      body: notice,
      contentType: "application/json",
      subject: "cutover.completed",
      applicationProperties: { waveId: notice.waveId, accountId: notice.accountId },
    });
  }

  async close(): Promise<void> {
    await this.sender.close();
  }
}

/** In-memory CutoverAnnouncer for unit tests; drops duplicates by MessageId as the broker does. */
export class InMemoryCutoverAnnouncer implements CutoverAnnouncer {
  readonly notices: CutoverNotice[] = [];

  announce(notice: CutoverNotice): Promise<void> {
    const id = cutoverMessageId(notice);
    // The SDK refuses a MessageId Service Bus would not accept; so does the fake.
    if (id.length > MAX_MESSAGE_ID)
      return Promise.reject(new RangeError(`MessageId ${id} is longer than ${MAX_MESSAGE_ID} characters`));
    if (!this.notices.some((known) => cutoverMessageId(known) === id)) this.notices.push(notice);
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
