import { Cron } from "croner";
import { ConfigError, type Env } from "../../shared/config/index.js";
import type { Logger } from "../../shared/telemetry/logger.js";
import type { Clock } from "../../shared/runtime/clock.js";
import { resolveBindingExpression } from "./app-settings.js";
import { HostConfigurationError } from "./errors.js";
import { RunCounter } from "./run-counter.js";
import type { WorkerState } from "./worker/core-module.js";
import { invokeRegistration } from "./worker/invoke.js";
import type { Registration } from "./worker/core-module.js";
import type { TimerTrigger } from "./worker/triggers.js";

/** A run that starts this late after its scheduled instant is reported as past due. */
const PAST_DUE_AFTER_MS = 1_000;

/**
 * Parses an NCRONTAB schedule (six fields, seconds first). Flex Consumption evaluates schedules
 * in UTC: it honours neither WEBSITE_TIME_ZONE nor TZ, so neither does the local host.
 */
export function parseSchedule(schedule: string, functionName: string): Cron {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new HostConfigurationError(
      `function ${functionName}: schedule ${JSON.stringify(schedule)} must have six fields {second} {minute} {hour} {day} {month} {day-of-week}`,
    );
  }
  try {
    return new Cron(schedule, { timezone: "UTC", paused: true });
  } catch (error) {
    throw new HostConfigurationError(
      `function ${functionName}: schedule ${JSON.stringify(schedule)} is invalid`,
      {
        cause: error,
      },
    );
  }
}

/**
 * Runs one timer function like the Functions host: fires on its schedule, optionally once at
 * start, and never overlaps itself (a run that overruns delays the next one). Each firing goes
 * through the app's programming model with the timer payload the host sends.
 */
export class TimerTriggerRunner {
  private readonly cron: Cron;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private lastRun: Date | undefined;
  private readonly schedule: string;
  /** Its runs, counted so that tests wait on runs rather than on time. */
  readonly runs: RunCounter;
  /** Whether a run is in progress. */
  running = false;

  constructor(
    private readonly worker: WorkerState,
    private readonly registration: Registration,
    private readonly trigger: TimerTrigger,
    private readonly clock: Clock,
    private readonly logger: Logger,
    env: Env,
  ) {
    this.runs = new RunCounter(registration.metadata.name);
    this.schedule = resolveBindingExpression(trigger.schedule, env, registration.metadata.name);
    try {
      this.cron = parseSchedule(this.schedule, registration.metadata.name);
    } catch (error) {
      // A schedule taken from an app setting (%NAME%) is that setting's fault: name it.
      const setting = /^%([^%]+)%$/.exec(trigger.schedule.trim())?.[1];
      if (setting === undefined || !(error instanceof Error)) throw error;
      throw new ConfigError(setting, `${JSON.stringify(this.schedule)} is not valid: ${error.message}`, {
        cause: error,
      });
    }
  }

  get name(): string {
    return this.registration.metadata.name;
  }

  /** Starts firing; returns at once. */
  start(): void {
    this.loop ??= this.run();
  }

  /** Stops firing and waits for a run in progress to end. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
  }

  private async run(): Promise<void> {
    if (this.trigger.runOnStartup === true) await this.invoke(this.clock.now(), false);
    while (!this.abort.signal.aborted) {
      const due = this.cron.nextRun(this.clock.now());
      if (due === null) return;
      await this.clock.sleepUntil(due, this.abort.signal);
      if (this.abort.signal.aborted) return;
      const lateMs = this.clock.now().getTime() - due.getTime();
      await this.invoke(due, lateMs > PAST_DUE_AFTER_MS);
    }
  }

  private async invoke(scheduled: Date, isPastDue: boolean): Promise<void> {
    const next = this.cron.nextRun(scheduled) ?? scheduled;
    // The payload the host sends; the library camel-cases it into the handler's Timer.
    const timer = {
      Schedule: { AdjustForDST: true },
      ScheduleStatus: {
        Last: (this.lastRun ?? scheduled).toISOString(),
        Next: next.toISOString(),
        LastUpdated: this.clock.now().toISOString(),
      },
      IsPastDue: isPastDue,
    };
    this.lastRun = scheduled;
    this.running = true;
    this.runs.begin();
    try {
      await invokeRegistration(
        this.worker,
        this.registration,
        { data: [{ name: this.trigger.name, data: { json: JSON.stringify(timer) } }] },
        this.logger,
      );
    } catch (error) {
      this.logger.error("timer function failed", { functionName: this.name, error });
    } finally {
      this.running = false;
      this.runs.end();
    }
  }
}
