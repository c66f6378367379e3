/**
 * Where metrics go: Application Insights through Azure Monitor's OpenTelemetry metric exporter
 * when `APPLICATIONINSIGHTS_CONNECTION_STRING` is set, and nowhere otherwise (the OpenTelemetry API
 * then stays a no-op). Azure disables local authentication on the resource, so ingestion signs in
 * with the managed identity named by `APPLICATIONINSIGHTS_AUTHENTICATION_STRING`. Only metrics are
 * exported: the Functions host already reports requests, dependencies and logs, so the app needs
 * the exporter and the metrics SDK, not the whole OpenTelemetry distribution (which would add
 * about 100 MB of instrumentations to the deployment package).
 */
import type { TokenCredential } from "@azure/identity";
import { metrics as otelMetrics } from "@opentelemetry/api";
import { connectionStringValue } from "../azure/connection-string.js";
import { credentialFor } from "../azure/credential.js";
import type { Env } from "../config/index.js";
import { optional } from "../config/env.js";
import { ConfigError } from "../config/errors.js";
import type { Logger } from "./logger.js";

export interface TelemetryExport {
  /** Whether metrics are being sent to Application Insights. */
  readonly exporting: boolean;
  /** Flushes what is buffered and stops exporting. */
  shutdown(): Promise<void>;
}

const NOT_EXPORTING: TelemetryExport = { exporting: false, shutdown: () => Promise.resolve() };

let started: Promise<TelemetryExport> | undefined;

/** How often metrics are sent: Azure Monitor's own distribution exports once a minute. */
const EXPORT_INTERVAL_MS = 60_000;

/** The Entra credential an authentication string (`ClientId=<id>;Authorization=AAD`) asks for. */
export function ingestionCredential(
  authentication: string | undefined,
  name = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
): TokenCredential | undefined {
  if (authentication === undefined) return undefined;
  if (connectionStringValue(authentication, "Authorization")?.toUpperCase() !== "AAD") {
    throw new ConfigError(name, "must read Authorization=AAD (optionally with ClientId=<identity>)");
  }
  // A managed identity only: the system-assigned one unless a client id names a user-assigned one.
  const clientId = connectionStringValue(authentication, "ClientId");
  return credentialFor({ clientId, managedIdentityOnly: true });
}

async function start(env: Env, logger: Logger): Promise<TelemetryExport> {
  const connectionString = optional(env, "APPLICATIONINSIGHTS_CONNECTION_STRING");
  if (connectionString === undefined) return NOT_EXPORTING;
  const credential = ingestionCredential(optional(env, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING"));
  // Loaded only when used: nothing of the exporter runs where telemetry is off.
  const [{ AzureMonitorMetricExporter }, { MeterProvider, PeriodicExportingMetricReader }] =
    await Promise.all([
      import("@azure/monitor-opentelemetry-exporter"),
      import("@opentelemetry/sdk-metrics"),
    ]);
  const exporter = new AzureMonitorMetricExporter({
    connectionString,
    ...(credential ? { credential } : {}),
  });
  const provider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: EXPORT_INTERVAL_MS })],
  });
  otelMetrics.setGlobalMeterProvider(provider);
  logger.info("exporting metrics to Application Insights");
  return { exporting: true, shutdown: () => provider.shutdown() };
}

/**
 * Starts exporting metrics if the settings ask for it; once per process (later calls get the same
 * handle). Safe to call from every entry point.
 */
export function startTelemetry(env: Env, logger: Logger): Promise<TelemetryExport> {
  started ??= start(env, logger).catch((error: unknown) => {
    started = undefined;
    throw error;
  });
  return started;
}
