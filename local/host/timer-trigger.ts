import { Cron } from "croner";
import type { Timer } from "@azure/functions";
import type { TimerFunctionDefinition } from "../../functions/definition.js";
import type { Logger } from "../../shared/telemetry/logger.js";
import type { Clock } from "./clock.js";
import { HostConfigurationError } from "./errors.js";
import { createInvocationContext } from "./invocation.js";
import { resolveBindingExpression } from "./app-settings.js";
import type { Env } from "../../shared/config/index.js";

/** A run that starts this late after its scheduled instant is reported as past due. */
const PAST_DUE_AFTER_MS = 1_000;

/** Parses an NCRONTAB schedule (six fields, seconds first) in a time zone. */
export function parseSchedule(schedule: string, timeZone: string, functionName: string): Cron {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new HostConfigurationError(
      `function ${functionName}: schedule ${JSON.stringify(schedule)} must have six fields {second} {minute} {hour} {day} {month} {day-of-week}`,
    );
  }
  try {
    return new Cron(schedule, { timezone: timeZone, paused: true });
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
 * Runs one timer function like the Functions host: fires on its schedule in the app's time zone,
 * optionally once at start, and never overlaps itself (a run that overruns delays the next one).
 */
export class TimerTriggerRunner {
  private readonly cron: Cron;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private lastRun: Date | undefined;

  private readonly schedule: string;

  constructor(
    private readonly definition: TimerFunctionDefinition,
    private readonly clock: Clock,
    timeZone: string,
    private readonly logger: Logger,
    env: Env = {},
  ) {
    this.schedule = resolveBindingExpression(definition.options.schedule, env, definition.name);
    this.cron = parseSchedule(this.schedule, timeZone, definition.name);
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
    if (this.definition.options.runOnStartup === true) await this.invoke(this.clock.now(), false);
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
    const timer: Timer = {
      isPastDue,
      schedule: { adjustForDST: true },
      scheduleStatus: {
        last: (this.lastRun ?? scheduled).toISOString(),
        next: next.toISOString(),
        lastUpdated: this.clock.now().toISOString(),
      },
    };
    this.lastRun = scheduled;
    const context = createInvocationContext(
      this.definition.name,
      { type: "timerTrigger", name: "timer", schedule: this.schedule },
      this.logger,
    );
    try {
      await this.definition.options.handler(timer, context);
    } catch (error) {
      this.logger.error("timer function failed", { functionName: this.definition.name, error });
    }
  }
}
