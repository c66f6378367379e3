import { choiceSetting, type Env, GUID, invalidSetting, optional } from "./env.js";

/** How much a logger writes; `off` writes nothing. */
export type LogLevel = "debug" | "info" | "warn" | "error" | "off";

export const LOG_LEVELS: readonly [LogLevel, ...LogLevel[]] = ["debug", "info", "warn", "error", "off"];

/** What the app's telemetry is configured with. */
export interface TelemetrySettings {
  readonly logLevel: LogLevel;
  /** Set when metrics go to Application Insights. */
  readonly applicationInsights?: {
    readonly connectionString: string;
    /** `ClientId=<identity>;Authorization=AAD`: ingestion signs in with that identity. */
    readonly authentication?: string;
  };
}

/** `MAILFERRY_LOG_LEVEL`: one of debug, info, warn, error, off (default info). */
export function readLogLevel(env: Env): LogLevel {
  return choiceSetting(env, "MAILFERRY_LOG_LEVEL", LOG_LEVELS, "info");
}

/** Splits `Key=value;Key=value` into lower-cased keys (Application Insights' own format). */
function keyValues(text: string): Map<string, string> | undefined {
  const parts = new Map<string, string>();
  for (const part of text.split(";")) {
    if (part.trim() === "") continue;
    const at = part.indexOf("=");
    if (at <= 0) return undefined;
    parts.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  return parts;
}

function isHttpsUrl(value: string): boolean {
  try {
    return new URL(value).protocol === "https:";
  } catch {
    return false;
  }
}

const CONNECTION_ALLOWED =
  "InstrumentationKey=<GUID>;IngestionEndpoint=https://... as the Application Insights resource shows it";
const AUTHENTICATION_ALLOWED = "Authorization=AAD, optionally with ClientId=<identity GUID>";

/**
 * Reads the log level and the Application Insights settings. The Functions host reads the latter
 * too; checking them here stops the app at start rather than losing telemetry silently.
 */
export function readTelemetrySettings(env: Env): TelemetrySettings {
  const logLevel = readLogLevel(env);
  const connectionString = optional(env, "APPLICATIONINSIGHTS_CONNECTION_STRING");
  const authentication = optional(env, "APPLICATIONINSIGHTS_AUTHENTICATION_STRING");
  if (connectionString !== undefined) {
    const parts = keyValues(connectionString);
    const key = parts?.get("instrumentationkey");
    const ingestion = parts?.get("ingestionendpoint");
    if (key === undefined || !GUID.test(key) || (ingestion !== undefined && !isHttpsUrl(ingestion))) {
      throw invalidSetting("APPLICATIONINSIGHTS_CONNECTION_STRING", connectionString, CONNECTION_ALLOWED);
    }
  }
  if (authentication !== undefined) {
    const parts = keyValues(authentication);
    const clientId = parts?.get("clientid");
    if (
      parts?.get("authorization")?.toUpperCase() !== "AAD" ||
      (clientId !== undefined && !GUID.test(clientId))
    ) {
      throw invalidSetting(
        "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
        authentication,
        AUTHENTICATION_ALLOWED,
      );
    }
  }
  return {
    logLevel,
    ...(connectionString !== undefined
      ? {
          applicationInsights: {
            connectionString,
            ...(authentication !== undefined ? { authentication } : {}),
          },
        }
      : {}),
  };
}
