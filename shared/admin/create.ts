/**
 * Builds the operator ports from settings for the CLI: Table Storage and Service Bus through their
 * SDKs, a connection string (the embedded stack) or an endpoint with the app's Entra identity.
 * Graph is not needed to inspect or repair a migration, so its settings are not read; Exchange
 * Online is opened when its settings are there (hybrid waves' approvals, endpoints, completions).
 */
import { RestError, type TableClient } from "@azure/data-tables";
import { createServiceBusClient, createTableClient } from "../azure/index.js";
import { TablesActivityLog } from "../activity/tables.js";
import { ServiceBusDeadLetterQueue } from "../bus/deadletter.js";
import { ServiceBusMoveQueue } from "../bus/servicebus.js";
import { MOVES_QUEUE } from "../bus/topology.js";
import { readServiceBusSettings, readTablesSettings, type Env } from "../config/index.js";
import { readExchangeSettings } from "../config/exchange.js";
import { createHybridExchange } from "../exchange/index.js";
import { TablesReleaseLedger } from "../releases/ledger-tables.js";
import { createStore } from "../store/index.js";
import { createLogger, type Logger } from "../telemetry/logger.js";
import { TablesTransferState } from "../transfer/state/tables.js";
import { TablesOperatorActionLog } from "./actions/tables.js";
import type { AdminPorts } from "./ports.js";

export interface ClosableAdminPorts extends AdminPorts {
  close(): Promise<void>;
}

async function ensureTable(table: TableClient): Promise<void> {
  try {
    await table.createTable();
  } catch (error) {
    // A read-only identity may not create tables; reading works once the function app made them.
    if (!(error instanceof RestError && error.statusCode === 403)) throw error;
  }
}

/** Opens the ports an operator command needs, creating missing tables where the identity may. */
export async function createAdminPorts(
  env: Env,
  options: { logger?: Logger } = {},
): Promise<ClosableAdminPorts> {
  const logger = options.logger ?? createLogger();
  const tables = readTablesSettings(env);
  const serviceBus = createServiceBusClient(readServiceBusSettings(env));
  const store = await createStore(tables, { logger });
  const actionsTable = createTableClient(tables, "operatorActions");
  const activityTable = createTableClient(tables, "activity");
  const releasesTable = createTableClient(tables, "releases");
  const transferTable = createTableClient(tables, "transfer");
  await Promise.all([actionsTable, activityTable, releasesTable, transferTable].map(ensureTable));
  const moves = new ServiceBusMoveQueue(serviceBus, MOVES_QUEUE.name);
  const deadLetters = new ServiceBusDeadLetterQueue(serviceBus, MOVES_QUEUE.name);
  const exchange = readExchangeSettings(env);
  return {
    store,
    moves,
    deadLetters,
    activity: new TablesActivityLog(activityTable),
    releases: new TablesReleaseLedger(releasesTable),
    transferState: new TablesTransferState(transferTable),
    operatorActions: new TablesOperatorActionLog(actionsTable),
    ...(exchange === undefined ? {} : { exchange: createHybridExchange(exchange, logger) }),
    logger,
    now: () => new Date(),
    async close() {
      await deadLetters.close();
      await moves.close();
      await serviceBus.close();
      await store.close();
    },
  };
}
