/** A local alert webhook receiver: an HTTP endpoint on 127.0.0.1 that keeps what is posted to it. */
export {
  startWebhookReceiver,
  type ReceivedWebhook,
  type WebhookReceiver,
  type WebhookReceiverOptions,
} from "./receiver.js";
