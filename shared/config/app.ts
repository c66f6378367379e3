import { readAlertSettings, type AlertSettings } from "./alerts.js";
import { readClockSettings, type ClockSettings } from "./clock.js";
import { readExchangeSettings, type ExchangeSettings } from "./exchange.js";
import type { Env } from "./env.js";
import { ConfigError } from "./errors.js";
import { readGraphSettings, type GraphSettings } from "./graph.js";
import { readFunctionsHostSettings, type FunctionsHostSettings } from "./host.js";
import { readPipelineSettings, type PipelineSettings } from "./pipeline.js";
import { readScheduleSettings, type ScheduleSettings } from "./schedules.js";
import { readServiceBusSettings, type ServiceBusSettings } from "./servicebus.js";
import { readTablesSettings, type TablesSettings } from "./tables.js";
import { readTelemetrySettings, type TelemetrySettings } from "./telemetry.js";

/** Every section the function app reads, validated together. */
export interface AppSettings {
  readonly serviceBus: ServiceBusSettings;
  readonly tables: TablesSettings;
  readonly graph: GraphSettings;
  /** Exchange Online's admin API, for hybrid waves; undefined where no hybrid wave runs. */
  readonly exchange: ExchangeSettings | undefined;
  readonly pipeline: PipelineSettings;
  readonly alerts: AlertSettings;
  readonly clock: ClockSettings | undefined;
  readonly schedules: ScheduleSettings;
  readonly telemetry: TelemetrySettings;
  readonly functionsHost: FunctionsHostSettings;
}

/** Runs one section's reader, keeping its ConfigError for the combined report. */
function section<T>(read: () => T, problems: ConfigError[]): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(error);
    return undefined;
  }
}

/**
 * Reads and validates every setting of the catalog the function app or the Functions host uses,
 * at start-up: a missing or malformed one is a ConfigError naming it, its value (never a
 * secret's) and what is allowed, before any function runs. Every section is read, so one error
 * lists each section's problem at once rather than one per restart.
 */
export function readAppSettings(env: Env): AppSettings {
  const problems: ConfigError[] = [];
  const serviceBus = section(() => readServiceBusSettings(env), problems);
  const tables = section(() => readTablesSettings(env), problems);
  const graph = section(() => readGraphSettings(env), problems);
  const exchange = section(() => readExchangeSettings(env), problems);
  const pipeline = section(() => readPipelineSettings(env), problems);
  const alerts = section(() => readAlertSettings(env), problems);
  const clock = section(() => readClockSettings(env), problems);
  const schedules = section(() => readScheduleSettings(env), problems);
  const telemetry = section(() => readTelemetrySettings(env), problems);
  const functionsHost = section(() => readFunctionsHostSettings(env), problems);
  if (
    problems.length > 0 ||
    serviceBus === undefined ||
    tables === undefined ||
    graph === undefined ||
    pipeline === undefined ||
    alerts === undefined ||
    schedules === undefined ||
    telemetry === undefined ||
    functionsHost === undefined
  ) {
    throw ConfigError.combine(problems);
  }
  return {
    serviceBus,
    tables,
    graph,
    exchange,
    pipeline,
    alerts,
    clock,
    schedules,
    telemetry,
    functionsHost,
  };
}
