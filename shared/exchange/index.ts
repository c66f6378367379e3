/**
 * Exchange Online for the hybrid move engine: the admin REST adapter behind the HybridExchange
 * port, built from settings.
 */
import type { ExchangeSettings } from "../config/exchange.js";
import type { Logger } from "../telemetry/logger.js";
import { ExchangeAdminClient } from "./client.js";
import { ExchangeOnline } from "./online.js";
import type { HybridExchange } from "./port.js";

export type { HybridExchange } from "./port.js";
export { ExchangeAdminClient } from "./client.js";

/** The HybridExchange adapter for these settings. */
export function createHybridExchange(settings: ExchangeSettings, logger: Logger): HybridExchange {
  return new ExchangeOnline(
    new ExchangeAdminClient(settings.connection, {
      maxConcurrentRequests: settings.maxConcurrentRequests,
      logger: logger.child({ component: "exchange" }),
    }),
  );
}
