/**
 * The embedded stack's alert webhook receiver (from the emulator package), and what the demo adds
 * to it: mailferry's alert notices read back from what the receiver kept, to show as they fire.
 */
import { noticeLine, parseAlertNotice, type AlertNotice } from "../../shared/alerts/index.js";
import type { ReceivedWebhook, WebhookReceiver } from "@mailferry/azure-local/webhook";

export {
  startWebhookReceiver,
  type ReceivedWebhook,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from "@mailferry/azure-local/webhook";

/** An alert as the receiver saw it. */
export interface WatchedAlert {
  /** One line for a console, e.g. `[FIRING] Failure rate of wave demo: 7 of 40 ... `. */
  readonly line: string;
  /** The notice, when the webhook posts mailferry's JSON (the default format). */
  readonly notice?: AlertNotice;
  readonly receivedAt: string;
}

function lineOf(webhook: ReceivedWebhook, notice: AlertNotice | undefined): string {
  if (notice) return noticeLine(notice);
  const { body } = webhook;
  if (body !== null && typeof body === "object" && "text" in body && typeof body.text === "string") {
    return body.text.split("\n")[0] ?? "";
  }
  return typeof body === "string" ? body : JSON.stringify(body);
}

/**
 * Calls `listener` for every alert the receiver accepts from now on; returns the function that
 * stops watching. The demo prints `alert.line` as alerts fire and resolve.
 */
export function watchAlerts(
  receiver: Pick<WebhookReceiver, "subscribe">,
  listener: (alert: WatchedAlert) => void,
): () => void {
  return receiver.subscribe((webhook) => {
    const notice = parseAlertNotice(webhook.body);
    listener({ line: lineOf(webhook, notice), receivedAt: webhook.at, ...(notice ? { notice } : {}) });
  });
}

/**
 * Alert settings scaled for a demo of a few minutes: evaluate every five seconds over a one-minute
 * window, with small samples and a short mute, so a failure burst fires and later resolves.
 */
export const DEMO_ALERT_SETTINGS: Readonly<Record<string, string>> = {
  MAILFERRY_ALERTS_SCHEDULE: "*/5 * * * * *",
  MAILFERRY_ALERT_WINDOW_MINUTES: "1",
  MAILFERRY_ALERT_MIN_SAMPLE: "5",
  MAILFERRY_ALERT_MIN_REQUESTS: "50",
  MAILFERRY_ALERT_STALL_MINUTES: "3",
  MAILFERRY_ALERT_MUTE_MINUTES: "2",
};
