/** How a notice reads in a chat message, a mail and a console line. */
import type { WebhookFormat } from "../../config/index.js";
import type { AlertNotice } from "./notice.js";

const WHAT_TO_DO: Readonly<Record<AlertNotice["rule"], string>> = {
  "failure-rate":
    "Look at the failure classes of the wave (mailferry failures) and retry the accounts once the cause is fixed.",
  "preflight-failures":
    "Look at the pre-flight failure classes (mailferry failures): users, licences or mailboxes missing in a tenant, or inventory rows that name the wrong user. Fix them, then retry the accounts.",
  "dead-letters":
    "Inspect the dead-lettered messages with the CLI or the admin API and replay them once the cause is fixed.",
  "stalled-wave":
    "Check that the scheduler and mover functions run and that the wave is not waiting on a full in-flight cap.",
  throttling:
    "The release rate is backing off on its own; if it persists, lower the wave's in-flight cap or spread the window.",
};

/** `[FIRING] Failure rate of wave w1`. */
export function noticeHeadline(notice: AlertNotice): string {
  return `[${notice.status.toUpperCase()}] ${notice.title}`;
}

/** One line for a console or a chat message. */
export function noticeLine(notice: AlertNotice): string {
  return `${noticeHeadline(notice)}: ${notice.summary}`;
}

/** A plain-text body: what happened, since when, and what to do. */
export function noticeText(notice: AlertNotice): string {
  const lines = [
    noticeHeadline(notice),
    "",
    notice.summary,
    "",
    `Rule: ${notice.rule} (${notice.severity})`,
    `Subject: ${notice.subject}`,
    `Firing since: ${notice.since}`,
    `Evaluated at: ${notice.at}`,
  ];
  if (notice.status === "firing") lines.push("", WHAT_TO_DO[notice.rule]);
  return lines.join("\n");
}

/**
 * The body a webhook receives: the notice itself (`json`), or `{ text }`, which incoming webhooks
 * of both Microsoft Teams and Slack accept as a plain message (`chat`).
 */
export function webhookBody(notice: AlertNotice, format: WebhookFormat): Record<string, unknown> {
  if (format === "json") return { ...notice };
  return { text: `${noticeLine(notice)}\nRule ${notice.rule}, firing since ${notice.since}.` };
}

/** The Graph `sendMail` request body for a notice. */
export function mailRequest(notice: AlertNotice, to: string): Record<string, unknown> {
  return {
    message: {
      subject: `mailferry ${noticeHeadline(notice)}`,
      body: { contentType: "Text", content: noticeText(notice) },
      toRecipients: [{ emailAddress: { address: to } }],
      importance: notice.status === "firing" && notice.severity === "critical" ? "high" : "normal",
    },
    saveToSentItems: false,
  };
}
