import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { ServiceBusClient } from "@azure/service-bus";
import type {
  FunctionDefinition,
  HttpFunctionDefinition,
  ServiceBusQueueFunctionDefinition,
  TimerFunctionDefinition,
} from "../../functions/definition.js";
import { createServiceBusClient } from "../../shared/bus/client.js";
import { readServiceBusSettings, type Env } from "../../shared/config/index.js";
import { createLogger, type Logger } from "../../shared/telemetry/logger.js";
import { systemClock, type Clock } from "./clock.js";
import { readHostJson, type HostJsonSettings } from "./host-json.js";
import { HttpTriggerServer } from "./http-trigger.js";
import { ServiceBusTriggerRunner } from "./servicebus-trigger.js";
import { TimerTriggerRunner } from "./timer-trigger.js";
import { resolveTimeZone } from "./timezone.js";
import { resolveBindingExpression } from "./app-settings.js";

export interface LocalHostOptions {
  /** The functions to run: the same definitions the Azure registration uses. */
  readonly definitions: readonly FunctionDefinition[];
  /** App settings (connection settings, WEBSITE_TIME_ZONE, ...); default process.env. */
  readonly env?: Env;
  /** host.json settings; default the repository's host.json. */
  readonly hostJson?: HostJsonSettings;
  /** Time source for timers; an accelerated clock speeds schedules up. */
  readonly clock?: Clock;
  readonly http?: {
    readonly port?: number;
    readonly functionKey?: string;
    readonly masterKey?: string;
    readonly devPrincipal?: string;
  };
  /** How long stop() waits for running invocations before closing connections. */
  readonly stopGraceMs?: number;
  readonly logger?: Logger;
}

const DEFAULT_HOST_JSON = fileURLToPath(new URL("../../host.json", import.meta.url));

/**
 * Runs function definitions the way the Azure Functions host does: timers on their schedules,
 * Service Bus queue triggers with the host.json concurrency and settlement rules, and HTTP
 * functions behind function keys on loopback.
 */
export class LocalHost {
  private readonly timers: TimerTriggerRunner[] = [];
  private readonly queues: ServiceBusTriggerRunner[] = [];
  private readonly clients = new Map<string, ServiceBusClient>();
  private http: HttpTriggerServer | undefined;
  private stopped = false;

  private constructor(
    private readonly options: LocalHostOptions,
    readonly functionKey: string,
    readonly masterKey: string,
    private readonly logger: Logger,
  ) {}

  /** Validates every definition, then starts all triggers. */
  static async start(options: LocalHostOptions): Promise<LocalHost> {
    const logger = options.logger ?? createLogger({ fields: { component: "host" } });
    const host = new LocalHost(
      options,
      options.http?.functionKey ?? randomBytes(24).toString("base64url"),
      options.http?.masterKey ?? randomBytes(24).toString("base64url"),
      logger,
    );
    try {
      await host.startAll();
    } catch (error) {
      await host.stop();
      throw error;
    }
    return host;
  }

  /** `http://127.0.0.1:<port>/api`, or undefined when no HTTP function is defined. */
  get apiBaseUrl(): string | undefined {
    return this.http ? `${this.http.url}/api` : undefined;
  }

  /** How many Service Bus handlers are running right now, per function. */
  runningByFunction(): Record<string, number> {
    const out: Record<string, number> = {};
    this.queues.forEach((runner, index) => {
      const definition = this.serviceBusDefinitions()[index];
      if (definition) out[definition.name] = runner.running;
    });
    return out;
  }

  /** Stops triggering, lets running invocations finish (bounded), and closes connections. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const grace = this.options.stopGraceMs ?? 30_000;
    await Promise.all([
      ...this.timers.map((timer) => timer.stop()),
      ...this.queues.map((runner) => runner.stop(grace)),
      this.http?.stop(),
    ]);
    await Promise.all([...this.clients.values()].map((client) => client.close()));
    this.clients.clear();
  }

  private serviceBusDefinitions(): ServiceBusQueueFunctionDefinition[] {
    return this.options.definitions.filter(
      (d): d is ServiceBusQueueFunctionDefinition => d.kind === "serviceBusQueue",
    );
  }

  private async startAll(): Promise<void> {
    const env = this.options.env ?? process.env;
    const hostJson = this.options.hostJson ?? readHostJson(DEFAULT_HOST_JSON);
    const clock = this.options.clock ?? systemClock;
    const timeZone = resolveTimeZone(env.WEBSITE_TIME_ZONE);
    const timers = this.options.definitions.filter((d): d is TimerFunctionDefinition => d.kind === "timer");
    const https = this.options.definitions.filter((d): d is HttpFunctionDefinition => d.kind === "http");
    const names = new Set<string>();
    for (const definition of this.options.definitions) {
      if (names.has(definition.name)) throw new Error(`two functions are named ${definition.name}`);
      names.add(definition.name);
    }
    // Build everything first so that a bad definition fails before anything fires.
    for (const definition of timers)
      this.timers.push(new TimerTriggerRunner(definition, clock, timeZone, this.logger, env));
    for (const definition of this.serviceBusDefinitions()) {
      const client = this.clientFor(
        resolveBindingExpression(definition.options.connection, env, definition.name),
        env,
      );
      this.queues.push(
        new ServiceBusTriggerRunner(definition, client, hostJson.serviceBus, this.logger, env),
      );
    }
    if (https.length > 0) {
      this.http = new HttpTriggerServer(
        https,
        {
          functionKey: this.functionKey,
          masterKey: this.masterKey,
          ...(this.options.http?.port !== undefined ? { port: this.options.http.port } : {}),
          ...(this.options.http?.devPrincipal !== undefined
            ? { devPrincipal: this.options.http.devPrincipal }
            : {}),
        },
        this.logger,
      );
      await this.http.start();
    }
    for (const runner of this.queues) runner.start();
    for (const timer of this.timers) timer.start();
    this.logger.info("local host started", {
      functions: this.options.definitions.map((d) => `${d.kind}:${d.name}`),
      timeZone,
      http: this.http?.url,
    });
  }

  private clientFor(connection: string, env: Env): ServiceBusClient {
    let client = this.clients.get(connection);
    if (!client) {
      client = createServiceBusClient(readServiceBusSettings(env, connection));
      this.clients.set(connection, client);
    }
    return client;
  }
}
