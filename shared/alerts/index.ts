/**
 * Alerting: rules over the activity log, dead-letter depths and waves, their persisted states, and
 * the channels that tell people (webhook, mail).
 */
export * from "./errors.js";
export { RULES, RULE_IDS, ruleKey, type Observation, type RuleId, type Severity } from "./rules.js";
export { advance, type AlertStatus, type NoticeKind, type RuleState, type Step } from "./state/machine.js";
export type { AlertStateStore } from "./state/port.js";
export { InMemoryAlertStateStore } from "./state/memory.js";
export { TablesAlertStateStore } from "./state/tables.js";
export type { QueueDepths } from "./depths/port.js";
export { InMemoryQueueDepths } from "./depths/memory.js";
export { PeekQueueDepths } from "./depths/peek.js";
export { AdminQueueDepths, type QueueRuntimeReader } from "./depths/admin.js";
export { alertNoticeSchema, parseAlertNotice, type AlertNotice } from "./notify/notice.js";
export { mailRequest, noticeHeadline, noticeLine, noticeText, webhookBody } from "./notify/format.js";
export {
  AlertNotifier,
  type DeliveryFailure,
  type DeliveryReport,
  type NoticeChannel,
} from "./notify/notifier.js";
export { WebhookChannel, type WebhookOptions } from "./notify/webhook.js";
export { MailChannel, type MailClient } from "./notify/mail.js";
export { runAlerts, type AlertDeps, type AlertRun, type RuleEvaluation } from "./evaluate.js";
export { runAlertsWith } from "./run.js";
export { createAlertPorts, noticeChannels, type AlertConnections, type AlertPorts } from "./create.js";
