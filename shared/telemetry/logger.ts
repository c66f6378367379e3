import { readLogLevel, type LogLevel } from "../config/telemetry.js";
import { redact, redactText } from "../config/redact.js";

/** How much a logger writes; `off` writes nothing (global sinks still see every line). */
export type { LogLevel };

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, off: 50 };

/** Where log lines go; tests capture them, the CLI writes them to stderr. */
export type LogSink = (line: string) => void;

/** Structured, redacting logger. Every line is one JSON object. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry `fields` (e.g. invocationId, accountId). */
  child(fields: Record<string, unknown>): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  sink?: LogSink;
  fields?: Record<string, unknown>;
}

const sinks = new Set<LogSink>();

/** Adds a sink that sees every line of every logger (tests scan a whole run's logs with it). */
export function addGlobalSink(sink: LogSink): () => void {
  sinks.add(sink);
  return () => sinks.delete(sink);
}

const stderrSink: LogSink = (line) => {
  process.stderr.write(`${line}\n`);
};

/**
 * Creates a logger; the level defaults to the `MAILFERRY_LOG_LEVEL` setting or `info`. A level
 * that is not one of the five is a ConfigError naming the setting, never a quiet `info`.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? readLogLevel(process.env);
  const sink = options.sink ?? stderrSink;
  const base = options.fields ?? {};
  const write = (lineLevel: LogLevel, message: string, fields?: Record<string, unknown>): void => {
    const line = JSON.stringify({
      time: new Date().toISOString(),
      level: lineLevel,
      msg: redactText(message),
      ...(redact({ ...base, ...fields }) as Record<string, unknown>),
    });
    for (const extra of sinks) extra(line);
    if (level !== "off" && LEVEL_ORDER[lineLevel] >= LEVEL_ORDER[level]) sink(line);
  };
  return {
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    child: (fields) => createLogger({ level, sink, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything; for tests and quiet library use. */
export const silentLogger: Logger = createLogger({ level: "off", sink: () => undefined });
