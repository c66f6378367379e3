/**
 * The embedded Azure: Azurite for Table Storage, the AMQP Service Bus emulator, the Graph tenant
 * simulator, the Exchange Online simulator with its hybrid organisation, and the local Functions
 * host running the app's functions against them, all on 127.0.0.1. It is what `npm start`,
 * `mailferry emulate stack` and the e2e tests run on.
 */
import { QUEUES } from "../shared/bus/topology.js";
import { CLOCK_SETTING, clockSettingValue, type ClockSettings } from "../shared/config/clock.js";
import { clockFrom, systemClock, type Clock } from "../shared/runtime/clock.js";
import { createLogger, type Logger } from "../shared/telemetry/logger.js";
import { startAzurite, type AzuriteInstance } from "@mailferry/azure-local/azurite";
import {
  startExchangeSimulator,
  type ExchangeSimulator,
  type ExchangeSimulatorOptions,
} from "@mailferry/azure-local/exchange";
import {
  startGraphSimulator,
  type GraphSimulator,
  type GraphSimulatorOptions,
} from "@mailferry/azure-local/graph";
import { LocalHost, mailferryApp, type AppLocation } from "./host/index.js";
import { startServiceBusEmulator, type ServiceBusEmulator } from "@mailferry/azure-local/servicebus";
import { startWebhookReceiver, type WebhookReceiver } from "./webhook/index.js";

export interface StackOptions {
  /** Keep Table Storage in this folder instead of memory (a demo that is stopped and resumed). */
  readonly persistDir?: string;
  /** Simulator options, or false to run without Graph. */
  readonly graph?: GraphSimulatorOptions | false;
  /** Exchange simulator options (its clock is the stack's), or false to run without it. */
  readonly exchange?: Omit<ExchangeSimulatorOptions, "clock"> | false;
  /** The function app to host (default: mailferry's, from its sources). */
  readonly app?: AppLocation;
  /** Extra or overriding app settings (pipeline knobs, alert thresholds, ...). */
  readonly settings?: Readonly<Record<string, string>>;
  /**
   * Runs the app and its timers this many times faster than real time, from `start` (default:
   * now). The app learns it from its settings, as it learns everything else. A benchmark that
   * moves time in jumps passes its own Clock instead: the host's timers and the simulators follow
   * it, and the benchmark gives the app the same time (decorateServices).
   */
  readonly clock?: { readonly factor: number; readonly start?: Date } | Clock;
  readonly httpPort?: number;
  /**
   * Plays App Service authentication in front of the app: on, with an optional principal (base64,
   * as the platform sends it) that requests carrying none are signed in as. Absent: off.
   */
  readonly authentication?: { readonly devPrincipal?: string };
  readonly stopGraceMs?: number;
  readonly logger?: Logger;
}

/** The emulators that stand in for Azure and Microsoft 365, and the app settings that reach them. */
export interface Emulators {
  /** The app settings the functions run with; a client of the stack needs the same. */
  readonly settings: Readonly<Record<string, string>>;
  readonly azurite: AzuriteInstance;
  readonly serviceBus: ServiceBusEmulator;
  readonly graph: GraphSimulator | undefined;
  readonly exchange: ExchangeSimulator | undefined;
  /** Receives the alert webhook (MAILFERRY_ALERT_WEBHOOK_URL points at it). */
  readonly webhook: WebhookReceiver;
  readonly clock: Clock;
  /** Stops everything started, in reverse order. */
  close(): Promise<void>;
}

export interface EmbeddedStack extends Emulators {
  readonly host: LocalHost;
  /** Stops the host first (so nothing runs against a closed emulator), then the emulators. */
  close(): Promise<void>;
}

/** Starts the emulators only (a test that runs the app elsewhere, or none). */
export async function startEmulators(options: StackOptions = {}): Promise<Emulators> {
  const logger = options.logger ?? createLogger({ fields: { component: "stack" } });
  const now = new Date();
  const asked = options.clock;
  const own = asked !== undefined && "now" in asked ? asked : undefined;
  const clockSettings: ClockSettings | undefined =
    asked !== undefined && !("now" in asked)
      ? { factor: asked.factor, realStart: now, virtualStart: asked.start ?? now }
      : undefined;
  const clock = own ?? (clockSettings ? clockFrom(clockSettings) : systemClock);
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
    const serviceBus = await startServiceBusEmulator({ logger, queues: QUEUES });
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
      ...(clockSettings ? { [CLOCK_SETTING]: clockSettingValue(clockSettings) } : {}),
      ...options.settings,
    };
    return { settings, azurite, serviceBus, graph, exchange, webhook, clock, close: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * Starts the emulators and the local host running the function app against them; if a part
 * fails, the parts already started are stopped again.
 */
export async function startStack(options: StackOptions = {}): Promise<EmbeddedStack> {
  const emulators = await startEmulators(options);
  try {
    const host = await LocalHost.start({
      app: options.app ?? mailferryApp(),
      env: emulators.settings,
      clock: emulators.clock,
      ...(options.logger !== undefined ? { logger: options.logger } : {}),
      http: {
        ...(options.httpPort !== undefined ? { port: options.httpPort } : {}),
        ...(options.authentication !== undefined ? { authentication: options.authentication } : {}),
      },
      ...(options.stopGraceMs !== undefined ? { stopGraceMs: options.stopGraceMs } : {}),
    });
    return {
      ...emulators,
      host,
      close: async () => {
        await host.stop().catch(() => undefined);
        await emulators.close();
      },
    };
  } catch (error) {
    await emulators.close();
    throw error;
  }
}
