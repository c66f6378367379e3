/**
 * Builds the alerting ports from settings: rule states in their own table, dead-letter depths from
 * the administration API (Azure) or by peeking (the emulator), and the notification channels.
 */
import {
  readAlertSettings,
  type AlertSettings,
  type Env,
  type ServiceBusSettings,
  type TablesSettings,
} from "../config/index.js";
import {
  createServiceBusAdministrationClient,
  createServiceBusClient,
  createTableClient,
} from "../azure/index.js";
import { createGraphClient, type GraphConnection } from "../graph/client.js";
import type { Logger } from "../telemetry/logger.js";
import { AdminQueueDepths } from "./depths/admin.js";
import { PeekQueueDepths } from "./depths/peek.js";
import type { QueueDepths } from "./depths/port.js";
import { MailChannel } from "./notify/mail.js";
import { AlertNotifier, type NoticeChannel } from "./notify/notifier.js";
import { WebhookChannel } from "./notify/webhook.js";
import type { AlertStateStore } from "./state/port.js";
import { TablesAlertStateStore } from "./state/tables.js";

/** What the alert evaluation needs beyond the store and the activity log. */
export interface AlertPorts {
  readonly settings: AlertSettings;
  readonly states: AlertStateStore;
  readonly depths: QueueDepths;
  readonly notifier: AlertNotifier;
  close(): Promise<void>;
}

/** Where alerting's connections go (the same settings the services were built from). */
export interface AlertConnections {
  readonly tables: TablesSettings;
  readonly serviceBus: ServiceBusSettings;
  /** The target tenant's Graph app; alert mail is sent through it. */
  readonly graphTarget: GraphConnection;
  readonly logger: Logger;
}

/** The depth source the settings ask for; by default the administration API with an identity. */
function queueDepths(settings: AlertSettings, connections: AlertConnections): QueueDepths {
  const source = settings.deadLetterDepths ?? (connections.serviceBus.kind === "identity" ? "admin" : "peek");
  return source === "admin"
    ? new AdminQueueDepths(createServiceBusAdministrationClient(connections.serviceBus))
    : new PeekQueueDepths(() => createServiceBusClient(connections.serviceBus));
}

/** The channels the settings configure: a webhook, mail, both or none. */
export function noticeChannels(
  settings: AlertSettings,
  graphTarget: GraphConnection,
  logger: Logger,
): NoticeChannel[] {
  const channels: NoticeChannel[] = [];
  if (settings.webhook) channels.push(new WebhookChannel({ ...settings.webhook, logger }));
  if (settings.mail) {
    const client = createGraphClient(graphTarget, { maxRetries: 3 });
    channels.push(new MailChannel(client, settings.mail.from, settings.mail.to, { logger }));
  }
  return channels;
}

/** Reads the alert settings and builds the ports; creates the state table when missing. */
export async function createAlertPorts(env: Env, connections: AlertConnections): Promise<AlertPorts> {
  const settings = readAlertSettings(env);
  const logger = connections.logger.child({ component: "alerts" });
  const table = createTableClient(connections.tables, "alerts");
  await table.createTable();
  const depths = queueDepths(settings, connections);
  const channels = noticeChannels(settings, connections.graphTarget, logger);
  if (channels.length === 0)
    logger.warn("no alert webhook or operations mail is set; alerts are only logged");
  return {
    settings,
    states: new TablesAlertStateStore(table),
    depths,
    notifier: new AlertNotifier(channels, logger),
    close: () => depths.close(),
  };
}
