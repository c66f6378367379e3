import { readAlertSettings, type AlertSettings } from "./alerts.js";
import { readClockSettings, type ClockSettings } from "./clock.js";
import type { Env } from "./env.js";
import { readGraphSettings, type GraphSettings } from "./graph.js";
import { readPipelineSettings, type PipelineSettings } from "./pipeline.js";
import { readServiceBusSettings, type ServiceBusSettings } from "./servicebus.js";
import { readTablesSettings, type TablesSettings } from "./tables.js";

/** Every section the function app reads, validated together. */
export interface AppSettings {
  readonly serviceBus: ServiceBusSettings;
  readonly tables: TablesSettings;
  readonly graph: GraphSettings;
  readonly pipeline: PipelineSettings;
  readonly alerts: AlertSettings;
  readonly clock: ClockSettings | undefined;
}

/**
 * Reads and validates every setting the function app uses, at start-up: a missing or malformed
 * one is a ConfigError naming it before any function runs, not an error in every invocation.
 */
export function readAppSettings(env: Env): AppSettings {
  return {
    serviceBus: readServiceBusSettings(env),
    tables: readTablesSettings(env),
    graph: readGraphSettings(env),
    pipeline: readPipelineSettings(env),
    alerts: readAlertSettings(env),
    clock: readClockSettings(env),
  };
}
