/**
 * Builds the production services from settings: Table Storage, Service Bus and Graph through
 * their official SDKs. The same code serves Azure (identity-based settings) and the embedded stack
 * (connection strings and the simulator's settings).
 */
import { TablesActivityLog } from "../activity/tables.js";
import { createServiceBusClient, createTableClient } from "../azure/index.js";
import { createAlertPorts, type AlertPorts } from "../alerts/create.js";
import { TablesOperatorActionLog } from "../admin/actions/tables.js";
import { ServiceBusDeadLetterQueue } from "../bus/deadletter.js";
import { ServiceBusCutoverAnnouncer } from "../bus/cutovers.js";
import { ServiceBusMoveQueue } from "../bus/servicebus.js";
import { MOVES_QUEUE } from "../bus/topology.js";
import type { Env, PipelineSettings } from "../config/index.js";
import { readAppSettings } from "../config/app.js";
import { createHybridExchange } from "../exchange/index.js";
import { clockFrom } from "./clock.js";
import {
  closeGraphTransports,
  createGraphClient,
  createGraphCredential,
  createImportPoster,
  graphRequestTimeoutMs,
} from "../graph/client.js";
import type { GraphConnection } from "../graph/credentials.js";
import { GovernorRegistry, PUBLISHED_LIMITS, scaleLimits } from "../graph/governor.js";
import { TablesReleaseLedger } from "../releases/ledger-tables.js";
import { createStore } from "../store/index.js";
import { createLogger, type Logger } from "../telemetry/logger.js";
import { MailboxApi } from "../graph/mailbox-api.js";
import { TablesTransferState } from "../transfer/state/tables.js";
import { FolderMemory } from "../mover/folder-memory.js";
import type { GraphSide, Services } from "./services.js";

export interface CreateServicesOptions {
  readonly logger?: Logger;
  /** The time source; by default the clock the settings name (the wall clock in Azure). */
  readonly now?: () => Date;
}

/**
 * The mailbox API of one tenant: v1.0 and beta clients sharing one credential, and the import
 * poster, every request bounded by `requestTimeoutMs` (by default the transport's own bound).
 */
export function createMailboxApi(connection: GraphConnection, requestTimeoutMs?: number): MailboxApi {
  const credential = createGraphCredential(connection);
  const timeout = requestTimeoutMs !== undefined ? { requestTimeoutMs } : {};
  return new MailboxApi(
    createGraphClient(connection, { credential, ...timeout }),
    createGraphClient(connection, { credential, version: "beta", ...timeout }),
    createImportPoster(connection, timeout),
    { graphOrigin: new URL(connection.baseUrl).origin },
  );
}

function graphSide(connection: GraphConnection, pipeline: PipelineSettings): GraphSide {
  return {
    // A request that hangs must give the slice back in time to checkpoint.
    api: createMailboxApi(connection, graphRequestTimeoutMs(pipeline.sliceMs)),
    governors: new GovernorRegistry(scaleLimits(PUBLISHED_LIMITS, pipeline.graphWindowScale)),
  };
}

/** Creates every service from the environment; the tables are created when missing. */
export async function createServices(env: Env, options: CreateServicesOptions = {}): Promise<Services> {
  const logger = options.logger ?? createLogger();
  const settings = readAppSettings(env);
  const { pipeline, tables, graph, exchange } = settings;
  const clock = clockFrom(settings.clock);
  const serviceBus = createServiceBusClient(settings.serviceBus);
  const store = await createStore(tables);
  const transferTable = createTableClient(tables, "transfer");
  const activityTable = createTableClient(tables, "activity");
  const releasesTable = createTableClient(tables, "releases");
  const actionsTable = createTableClient(tables, "operatorActions");
  await Promise.all([
    transferTable.createTable(),
    activityTable.createTable(),
    releasesTable.createTable(),
    actionsTable.createTable(),
  ]);
  const moves = new ServiceBusMoveQueue(serviceBus, MOVES_QUEUE.name);
  const cutovers = new ServiceBusCutoverAnnouncer(serviceBus);
  const deadLetters = new ServiceBusDeadLetterQueue(serviceBus, MOVES_QUEUE.name);
  // Built on first use, so a bad alert setting fails the alerts function alone.
  let alerts: Promise<AlertPorts> | undefined;
  const alertPorts = (): Promise<AlertPorts> => {
    alerts ??= createAlertPorts(env, {
      tables,
      serviceBus: settings.serviceBus,
      graphTarget: graph.target,
      logger,
    }).catch((error: unknown) => {
      alerts = undefined;
      throw error;
    });
    return alerts;
  };
  return {
    store,
    moves,
    cutovers,
    transferState: new TablesTransferState(transferTable),
    folderMemory: new FolderMemory(),
    activity: new TablesActivityLog(activityTable),
    releases: new TablesReleaseLedger(releasesTable),
    deadLetters,
    operatorActions: new TablesOperatorActionLog(actionsTable),
    source: graphSide(graph.source, pipeline),
    target: graphSide(graph.target, pipeline),
    ...(exchange === undefined ? {} : { exchange: createHybridExchange(exchange, logger) }),
    pipeline,
    logger,
    alerts: alertPorts,
    now: options.now ?? (() => clock.now()),
    async close() {
      await (await alerts?.catch(() => undefined))?.close();
      await deadLetters.close();
      await moves.close();
      await cutovers.close();
      await serviceBus.close();
      await store.close();
      await closeGraphTransports();
    },
  };
}
