import { randomBytes } from "node:crypto";
import { join } from "node:path";
import type { ServiceBusClient } from "@azure/service-bus";
import { createServiceBusClient } from "../../shared/azure/index.js";
import { ConfigError, readServiceBusSettings, type Env } from "../../shared/config/index.js";
import { systemClock, type Clock } from "../../shared/runtime/clock.js";
import { createLogger, type Logger } from "../../shared/telemetry/logger.js";
import { resolveBindingExpression } from "./app-settings.js";
import { HostConfigurationError } from "./errors.js";
import { readHostJson, type HostJsonSettings } from "./host-json.js";
import type { RunCounter } from "./run-counter.js";
import { HttpTriggerServer, type HttpFunction } from "./http-trigger.js";
import { ServiceBusTriggerRunner } from "./servicebus-trigger.js";
import { TimerTriggerRunner } from "./timer-trigger.js";
import type { WorkerState } from "./worker/core-module.js";
import { loadApp, type AppLocation } from "./worker/load-app.js";
import { triggerOf } from "./worker/triggers.js";

export interface LocalHostOptions {
  /** The function app to load, as the worker loads it: its package.json `main`. */
  readonly app: AppLocation;
  /**
   * App settings. The worker's environment is the app's settings, so the host puts them in
   * process.env for as long as it runs (and restores what was there). Default: process.env.
   */
  readonly env?: Env;
  /** host.json settings; default the app's host.json. */
  readonly hostJson?: HostJsonSettings;
  /** Time source for timers; an accelerated clock speeds schedules up. */
  readonly clock?: Clock;
  readonly http?: {
    readonly port?: number;
    readonly functionKey?: string;
    readonly masterKey?: string;
    /**
     * Plays App Service authentication: the app is told it is on (WEBSITE_AUTH_ENABLED), as the
     * platform tells it, and requests without a principal are signed in as `devPrincipal`. Off
     * (absent), the app must trust no principal header, as in Azure with authentication off.
     */
    readonly authentication?: { readonly devPrincipal?: string };
  };
  /** How long stop() waits for running invocations before closing connections. */
  readonly stopGraceMs?: number;
  readonly logger?: Logger;
}

/** The setting App Service sets when its authentication is on. */
const AUTH_ENABLED_SETTING = "WEBSITE_AUTH_ENABLED";

/** Flex Consumption runs timers in UTC and honours no time zone setting. */
const UNSUPPORTED_SETTINGS: Readonly<Record<string, string>> = {
  WEBSITE_TIME_ZONE:
    "Flex Consumption does not support it (timers run in UTC); a wave's windows carry their own time zone",
};

let running: LocalHost | undefined;

/** How long stop() lets running invocations finish by default. */
export const DEFAULT_STOP_GRACE_MS = 30_000;

/** Waits for `work` for at most `ms`; true when it settled in time (a failure counts as settled). */
async function within(work: Promise<unknown> | undefined, ms: number): Promise<boolean> {
  if (work === undefined) return true;
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    work.then(
      () => true,
      () => true,
    ),
    new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return settled;
}

/**
 * Runs a function app the way the Azure Functions host and its Node worker do: loads the files
 * package.json `main` names with `@azure/functions-core` provided, reads what they registered,
 * and fires timers on their schedules, Service Bus queue triggers with the host.json concurrency
 * and settlement rules, and HTTP functions behind function keys on loopback, every invocation
 * through the app's own programming model. One host per process, as one worker per process.
 */
export class LocalHost {
  private readonly timers: TimerTriggerRunner[] = [];
  private readonly queues: ServiceBusTriggerRunner[] = [];
  private readonly clients = new Map<string, ServiceBusClient>();
  private http: HttpTriggerServer | undefined;
  private worker: WorkerState | undefined;
  private readonly restoreEnv: [string, string | undefined][] = [];
  private stopped = false;

  private constructor(
    private readonly options: LocalHostOptions,
    readonly functionKey: string,
    readonly masterKey: string,
    private readonly logger: Logger,
  ) {}

  /** Loads the app, validates every trigger, then starts them all. */
  static async start(options: LocalHostOptions): Promise<LocalHost> {
    if (running) throw new HostConfigurationError("a local host already runs in this process");
    const logger = options.logger ?? createLogger({ fields: { component: "host" } });
    const host = new LocalHost(
      options,
      options.http?.functionKey ?? randomBytes(24).toString("base64url"),
      options.http?.masterKey ?? randomBytes(24).toString("base64url"),
      logger,
    );
    running = host;
    try {
      await host.startAll();
    } catch (error) {
      await host.stop();
      throw error;
    }
    return host;
  }

  /** `http://127.0.0.1:<port>/api`, or undefined when no HTTP function is registered. */
  get apiBaseUrl(): string | undefined {
    return this.http ? `${this.http.url}/api` : undefined;
  }

  /** The names of the functions the app registered, by trigger kind. */
  get functionNames(): { timer: string[]; serviceBus: string[]; http: number } {
    return {
      timer: this.timers.map((timer) => timer.name),
      serviceBus: this.queues.map((queue) => queue.name),
      http: this.http ? 1 : 0,
    };
  }

  /** How many runs of a timer or queue function have started and finished (failed or not). */
  runs(functionName: string): { started: number; finished: number } {
    const { started, finished } = this.counterOf(functionName);
    return { started, finished };
  }

  /**
   * Resolves once `total` runs of a timer or queue function have finished; rejects after
   * `timeoutMs` if they have not. Tests wait on runs, never on time. A timer never overlaps
   * itself, so waiting for `runs(name).started + n` waits for n runs that all began after the call.
   */
  waitForRuns(functionName: string, total: number, timeoutMs = 30_000): Promise<void> {
    return this.counterOf(functionName).waitFor(total, timeoutMs);
  }

  private counterOf(functionName: string): RunCounter {
    const runner = [...this.timers, ...this.queues].find((candidate) => candidate.name === functionName);
    if (!runner) throw new HostConfigurationError(`no timer or queue function is named ${functionName}`);
    return runner.runs;
  }

  /** How many Service Bus handlers are running right now, per function. */
  runningByFunction(): Record<string, number> {
    return Object.fromEntries(this.queues.map((queue) => [queue.name, queue.running]));
  }

  /**
   * Stops triggering, lets running invocations finish for up to the grace period, abandons the
   * Service Bus messages of those still running (they are delivered again at once), and shuts the
   * app down (its appTerminate hooks, bounded by the same period). What still runs after that is
   * left to the process's end: the caller decides when the process exits.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const grace = this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    try {
      const [, abandoned] = await Promise.all([
        within(Promise.all(this.timers.map((timer) => timer.stop())), grace),
        Promise.all(this.queues.map((runner) => runner.stop(grace))),
        this.http?.stop(grace),
      ]);
      const unfinishedTimers = this.timers.filter((timer) => timer.running).map((timer) => timer.name);
      if (unfinishedTimers.length > 0) {
        this.logger.warn("stopping: timer runs still in progress are left to the process's end", {
          functions: unfinishedTimers,
          graceMs: grace,
        });
      }
      if (!(await within(this.worker?.runHooks("appTerminate"), grace))) {
        this.logger.warn("stopping: the app's appTerminate hooks did not finish in time", { graceMs: grace });
      }
      await within(Promise.all([...this.clients.values()].map((client) => client.close())), grace);
      this.clients.clear();
      this.logger.info("local host stopped", {
        abandonedMessages: abandoned.reduce((sum, count) => sum + count, 0),
      });
    } finally {
      for (const [name, value] of this.restoreEnv.reverse()) {
        if (value === undefined) Reflect.deleteProperty(process.env, name);
        else process.env[name] = value;
      }
      if (running === this) running = undefined;
    }
  }

  /** Makes the app settings (and what the platform adds) the process environment. */
  private applySettings(env: Env): void {
    const platform: Record<string, string> =
      this.options.http?.authentication !== undefined ? { [AUTH_ENABLED_SETTING]: "True" } : {};
    const settings = { ...env, ...platform };
    for (const [name, reason] of Object.entries(UNSUPPORTED_SETTINGS)) {
      if (settings[name] !== undefined) throw new ConfigError(name, reason);
    }
    if (env === process.env && Object.keys(platform).length === 0) return;
    for (const [name, value] of Object.entries(settings)) {
      if (value === undefined || process.env[name] === value) continue;
      this.restoreEnv.push([name, process.env[name]]);
      process.env[name] = value;
    }
  }

  private async startAll(): Promise<void> {
    const env = this.options.env ?? process.env;
    this.applySettings(env);
    const hostJson =
      this.options.hostJson ?? readHostJson(join(this.options.app.directory, "host.json"), env);
    const clock = this.options.clock ?? systemClock;
    const app = await loadApp(this.options.app);
    const worker = app.worker;
    this.worker = worker;
    const names = new Set<string>();
    const https: HttpFunction[] = [];
    // Build every runner first so that a bad registration fails before anything fires.
    for (const registration of app.registrations) {
      const name = registration.metadata.name;
      if (names.has(name)) throw new HostConfigurationError(`two functions are named ${name}`);
      names.add(name);
      const triggered = triggerOf(registration);
      switch (triggered.kind) {
        case "timer":
          this.timers.push(
            new TimerTriggerRunner(worker, registration, triggered.trigger, clock, this.logger, env),
          );
          break;
        case "serviceBus": {
          const connection = resolveBindingExpression(triggered.trigger.connection, env, name);
          this.queues.push(
            new ServiceBusTriggerRunner(
              worker,
              registration,
              triggered.trigger,
              this.clientFor(connection, env),
              hostJson.serviceBus,
              this.logger,
              env,
            ),
          );
          break;
        }
        case "http":
          https.push({ registration, trigger: triggered.trigger });
          break;
      }
    }
    // The worker runs the app's appStart hooks as it starts, before the host sends any invocation;
    // a hook that throws fails the start.
    await worker.runHooks("appStart");
    if (https.length > 0) {
      const http = this.options.http;
      this.http = new HttpTriggerServer(
        worker,
        https,
        {
          functionKey: this.functionKey,
          masterKey: this.masterKey,
          ...(http?.port !== undefined ? { port: http.port } : {}),
          ...(http?.authentication?.devPrincipal !== undefined
            ? { devPrincipal: http.authentication.devPrincipal }
            : {}),
        },
        this.logger,
      );
      await this.http.start();
    }
    for (const runner of this.queues) runner.start();
    for (const timer of this.timers) timer.start();
    this.logger.info("local host started", {
      functions: [...names],
      entryPoints: app.entryPoints.length,
      http: this.http?.url,
    });
  }

  private clientFor(connection: string, env: Env): ServiceBusClient {
    let client = this.clients.get(connection);
    if (!client) {
      client = createServiceBusClient(readServiceBusSettings(env, connection), {}, connection);
      this.clients.set(connection, client);
    }
    return client;
  }
}
