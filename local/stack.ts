/**
 * The embedded Azure: Azurite for Table Storage, the AMQP Service Bus emulator, the Graph tenant
 * simulator, the Exchange Online simulator with its hybrid organisation, and the local Functions
 * host running the app's functions against them, all on 127.0.0.1. It is what `npm start`, `mailferry emulate stack` and the e2e tests run on.
 */
import type { FunctionDefinition } from "../functions/definition.js";
import { ALL_FUNCTIONS } from "../functions/index.js";
import { resetConfigCache } from "../shared/config/index.js";
import { createServices } from "../shared/runtime/create.js";
import { closeServices, useServices, type Services } from "../shared/runtime/services.js";
import { createLogger, type Logger } from "../shared/telemetry/logger.js";
import { startAzurite, type AzuriteInstance } from "./azurite/index.js";
import {
  startExchangeSimulator,
  type ExchangeSimulator,
  type ExchangeSimulatorOptions,
} from "./exchange/index.js";
import { startGraphSimulator, type GraphSimulator, type GraphSimulatorOptions } from "./graph/index.js";
import { LocalHost, systemClock, type Clock } from "./host/index.js";
import { startServiceBusEmulator, type ServiceBusEmulator } from "./servicebus/index.js";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook/index.js";

export interface StackOptions {
  /** Keep Table Storage in this folder instead of memory (a demo that is stopped and resumed). */
  readonly persistDir?: string;
  /** Simulator options, or false to run without Graph. */
  readonly graph?: GraphSimulatorOptions | false;
  /** Exchange simulator options (its clock is the stack's), or false to run without it. */
  readonly exchange?: Omit<ExchangeSimulatorOptions, "clock"> | false;
  /** The functions to host (default: every function of the app). */
  readonly functions?: readonly FunctionDefinition[];
  /** Extra or overriding app settings (pipeline knobs, WEBSITE_TIME_ZONE, ...). */
  readonly settings?: Readonly<Record<string, string>>;
  readonly clock?: Clock;
  readonly httpPort?: number;
  /** Base64 App Service principal the HTTP front end adds when a request carries none. */
  readonly devPrincipal?: string;
  readonly stopGraceMs?: number;
  readonly logger?: Logger;
  /** Wraps the services the functions get (a test injecting duplicates or faults). */
  readonly decorateServices?: (services: Services) => Services;
}

export interface EmbeddedStack {
  /** The app settings the functions run with; a client of the stack needs the same. */
  readonly settings: Readonly<Record<string, string>>;
  readonly azurite: AzuriteInstance;
  readonly serviceBus: ServiceBusEmulator;
  readonly graph: GraphSimulator | undefined;
  readonly exchange: ExchangeSimulator | undefined;
  /** Receives the alert webhook (MAILFERRY_ALERT_WEBHOOK_URL points at it). */
  readonly webhook: WebhookReceiver;
  readonly host: LocalHost;
  readonly clock: Clock;
  /** Stops the host first (so nothing runs against a closed emulator), then the emulators. */
  close(): Promise<void>;
}

/** Starts every part; if one fails, the parts already started are stopped again. */
export async function startStack(options: StackOptions = {}): Promise<EmbeddedStack> {
  const logger = options.logger ?? createLogger({ fields: { component: "stack" } });
  const clock = options.clock ?? systemClock;
  const cleanup: (() => Promise<void>)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of cleanup.reverse()) await stop().catch(() => undefined);
    cleanup.length = 0;
  };
  try {
    const azurite = await startAzurite({
      logger,
      ...(options.persistDir !== undefined ? { persistDir: options.persistDir } : {}),
    });
    cleanup.push(() => azurite.close());
    const serviceBus = await startServiceBusEmulator({ logger });
    cleanup.push(() => serviceBus.close());
    const graph =
      options.graph === false ? undefined : await startGraphSimulator({ logger, ...options.graph });
    if (graph) cleanup.push(() => graph.close());
    const exchange =
      options.exchange === false
        ? undefined
        : await startExchangeSimulator({ logger, ...options.exchange, clock: { now: () => clock.now() } });
    if (exchange) cleanup.push(() => exchange.close());
    const webhook = await startWebhookReceiver({ logger });
    cleanup.push(() => webhook.close());
    const scale = options.graph === false ? undefined : options.graph?.scaleWindows;
    const settings: Record<string, string> = {
      MAILFERRY_SCHEDULER_SCHEDULE: "0 * * * * *",
      MAILFERRY_SWEEPER_SCHEDULE: "30 */5 * * * *",
      MAILFERRY_ALERTS_SCHEDULE: "0 */5 * * * *",
      MAILFERRY_WATCH_SCHEDULE: "15 */5 * * * *",
      MAILFERRY_ALERT_WEBHOOK_URL: webhook.url,
      // Alert mail goes from the simulated target tenant's notices mailbox to an operations address.
      ...(graph
        ? {
            MAILFERRY_OPS_MAIL_ADDRESS: `operations@${graph.target.domain}`,
            MAILFERRY_ALERT_MAIL_FROM: graph.target.serviceUpn,
          }
        : {}),
      MailferryTables: azurite.connectionString,
      ServiceBusConnection: serviceBus.connectionString,
      ...(graph ? graph.settings() : {}),
      ...(exchange ? exchange.settings() : {}),
      ...(scale !== undefined ? { MAILFERRY_GRAPH_WINDOW_SCALE: String(scale) } : {}),
      ...options.settings,
    };
    resetConfigCache();
    const decorate = options.decorateServices ?? ((built: Services) => built);
    useServices(async () => decorate(await createServices(settings, { logger, now: () => clock.now() })));
    cleanup.push(() => closeServices());
    const host = await LocalHost.start({
      definitions: options.functions ?? ALL_FUNCTIONS,
      env: settings,
      clock,
      logger,
      http: {
        ...(options.httpPort !== undefined ? { port: options.httpPort } : {}),
        ...(options.devPrincipal !== undefined ? { devPrincipal: options.devPrincipal } : {}),
      },
      ...(options.stopGraceMs !== undefined ? { stopGraceMs: options.stopGraceMs } : {}),
    });
    cleanup.push(() => host.stop());
    return { settings, azurite, serviceBus, graph, exchange, webhook, host, clock, close: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
