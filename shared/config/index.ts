/**
 * The one configuration module. Each section is read from the environment once, validated, and
 * cached; a bad or missing setting throws a ConfigError that names it.
 */
import { type Env } from "./env.js";
import { readServiceBusSettings, type ServiceBusSettings } from "./servicebus.js";
import { readTablesSettings, type TablesSettings } from "./tables.js";
import { readPipelineSettings, type PipelineSettings } from "./pipeline.js";

export { ConfigError } from "./errors.js";
export type { Env } from "./env.js";
export type { ServiceBusSettings } from "./servicebus.js";
export type { TablesSettings } from "./tables.js";
export { readServiceBusSettings } from "./servicebus.js";
export { readTablesSettings } from "./tables.js";
export { readPipelineSettings, type PipelineSettings } from "./pipeline.js";
export {
  readAlertSettings,
  type AlertSettings,
  type DeadLetterDepthSource,
  type WebhookFormat,
} from "./alerts.js";

const cache = new Map<string, unknown>();

function once<T>(section: string, read: (env: Env) => T, env: Env): T {
  if (env !== process.env) return read(env);
  if (!cache.has(section)) cache.set(section, read(env));
  return cache.get(section) as T;
}

/** Service Bus settings from the process environment (read once). */
export const serviceBusSettings = (env: Env = process.env): ServiceBusSettings =>
  once("serviceBus", (source) => readServiceBusSettings(source), env);

/** Table Storage settings from the process environment (read once). */
export const tablesSettings = (env: Env = process.env): TablesSettings =>
  once("tables", readTablesSettings, env);

/** Pipeline settings from the process environment (read once). */
export const pipelineSettings = (env: Env = process.env): PipelineSettings =>
  once("pipeline", readPipelineSettings, env);

/** Forgets cached sections; for tests and for the embedded stack after it sets its settings. */
export function resetConfigCache(): void {
  cache.clear();
}
