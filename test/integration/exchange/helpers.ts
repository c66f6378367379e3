/** Starts the Exchange simulator and the real adapter against it. */
import {
  type ExchangeSimulator,
  type ExchangeSimulatorOptions,
  startExchangeSimulator,
} from "@mailferry/azure-local/exchange";
import { readExchangeSettings } from "../../../shared/config/exchange.js";
import { ExchangeAdminClient } from "../../../shared/exchange/client.js";
import { ExchangeOnline } from "../../../shared/exchange/online.js";
import { type Logger, silentLogger } from "../../../shared/telemetry/logger.js";

export interface Harness {
  readonly simulator: ExchangeSimulator;
  readonly client: ExchangeAdminClient;
  readonly exchange: ExchangeOnline;
}

export async function startHarness(
  options: ExchangeSimulatorOptions = {},
  client: { maxConcurrentRequests?: number; retries?: number; logger?: Logger } = {},
): Promise<Harness> {
  const simulator = await startExchangeSimulator({
    logger: silentLogger,
    endpoint: { name: "onprem" },
    ...options,
  });
  const settings = readExchangeSettings(simulator.settings());
  if (settings === undefined) throw new Error("the simulator's settings name no tenant");
  const admin = new ExchangeAdminClient(settings.connection, {
    maxConcurrentRequests: client.maxConcurrentRequests ?? 4,
    logger: client.logger ?? silentLogger,
    retries: client.retries ?? 6,
    minBackoffMs: 20,
    maxBackoffMs: 200,
  });
  return { simulator, client: admin, exchange: new ExchangeOnline(admin) };
}
