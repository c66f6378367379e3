/**
 * Launches Azurite's table service (the storage emulator, from npm) as a child process bound to
 * 127.0.0.1, so tests, benchmarks and the embedded stack talk to a real Table Storage endpoint
 * through the real SDK.
 */
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { type Logger, silentLogger } from "../logger.js";
import { devConnectionString, DEV_ACCOUNT_NAME } from "./account.js";
import { AzuriteStartError } from "./errors.js";
import { findFreePort } from "./free-port.js";

export { DEV_ACCOUNT_KEY, DEV_ACCOUNT_NAME, devConnectionString } from "./account.js";
export { AzuriteStartError } from "./errors.js";
export { findFreePort } from "./free-port.js";

export interface AzuriteOptions {
  /** Folder Azurite keeps its data in; without it, data lives in memory and dies with the process. */
  persistDir?: string;
  logger?: Logger;
  /** How long to wait for Azurite to say it listens (default 30 s). */
  startTimeoutMs?: number;
  /** Listen on this port instead of a free one: a restart keeps the address its clients know. */
  port?: number;
}

export interface AzuriteInstance {
  /** e.g. `http://127.0.0.1:49152/devstoreaccount1` */
  readonly tableEndpoint: string;
  /** Connection string for the development account, accepted by `@azure/data-tables`. */
  readonly connectionString: string;
  readonly port: number;
  /** Process id of the emulator. */
  readonly pid: number | undefined;
  /** Stops Azurite and waits for the process to exit. Safe to call twice. */
  close(): Promise<void>;
}

const READY = /successfully started on 127\.0\.0\.1:(\d+)/;
const PORT_TAKEN = /EADDRINUSE/;
const START_ATTEMPTS = 3;
const STOP_GRACE_MS = 5_000;

/*
 * The child watches its stdin, a pipe from this process: when this process dies in any way, even
 * SIGKILL, the pipe closes and the child exits, so no emulator outlives the process that started it.
 * In memory it simply exits. Persisting, it first stops as on Ctrl-C (SIGINT: Azurite closes its
 * database, which saves it), because its own save runs only every 5 seconds (LokiJS autosave, which
 * Azurite 3.35 offers no option to change): exiting at once would lose the latest acknowledged
 * writes. A stop that hangs still ends after 10 seconds.
 */
const WATCHDOG_IN_MEMORY =
  "process.stdin.on('end',()=>process.exit(0));process.stdin.on('error',()=>process.exit(0));process.stdin.resume();";
const WATCHDOG_PERSISTING =
  "const stop=()=>{setTimeout(()=>process.exit(0),10000).unref();process.kill(process.pid,'SIGINT');};process.stdin.on('end',stop);process.stdin.on('error',stop);process.stdin.resume();";

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A normal exit runs this synchronously; the stdin watchdog covers abrupt ones.
  process.once("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
}

function azuriteTableScript(): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve("azurite/package.json");
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { bin?: Record<string, string> };
  const bin = manifest.bin?.["azurite-table"];
  if (bin === undefined)
    throw new AzuriteStartError("the installed azurite package has no azurite-table entry");
  return join(dirname(manifestPath), bin);
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once("exit", () => resolve()));
}

interface Launch {
  child: ChildProcessWithoutNullStreams;
  port: number;
}

function launchOnce(script: string, port: number, options: AzuriteOptions, logger: Logger): Promise<Launch> {
  const args = [
    "--import",
    `data:text/javascript,${encodeURIComponent(options.persistDir === undefined ? WATCHDOG_IN_MEMORY : WATCHDOG_PERSISTING)}`,
    script,
    "--tableHost",
    "127.0.0.1",
    "--tablePort",
    String(port),
    "--skipApiVersionCheck",
    "--disableProductStyleUrl",
    "--loose",
    "--disableTelemetry",
    "--silent",
    ...(options.persistDir === undefined ? ["--inMemoryPersistence"] : ["--location", options.persistDir]),
  ];
  // The caller's NODE_OPTIONS (a heap cap, a test runner's loader) are meant for the caller.
  const { NODE_OPTIONS: _callerOptions, ...env } = process.env;
  const child = spawn(process.execPath, args, {
    // In-memory mode writes nothing; the temp folder keeps anything unexpected out of the caller's cwd.
    cwd: options.persistDir ?? tmpdir(),
    env,
    stdio: ["pipe", "pipe", "pipe"],
    windowsHide: true,
  });
  running.add(child);
  child.once("exit", () => running.delete(child));

  return new Promise<Launch>((resolve, reject) => {
    const stderrTail: string[] = [];
    let settled = false;
    const timeout = setTimeout(() => {
      fail(
        new AzuriteStartError(`azurite-table did not start within ${options.startTimeoutMs ?? 30_000} ms`),
      );
      child.kill("SIGKILL");
    }, options.startTimeoutMs ?? 30_000);
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timeout);
      reject(error);
    };
    createInterface({ input: child.stdout }).on("line", (line) => {
      logger.debug("azurite", { line });
      const match = READY.exec(line);
      if (match !== null && !settled) {
        settled = true;
        clearTimeout(timeout);
        resolve({ child, port });
      }
    });
    createInterface({ input: child.stderr }).on("line", (line) => {
      stderrTail.push(line);
      if (stderrTail.length > 20) stderrTail.shift();
      logger.warn("azurite stderr", { line });
    });
    child.once("error", (error) =>
      fail(new AzuriteStartError("could not run azurite-table", { cause: error })),
    );
    child.once("exit", (code, signal) => {
      const detail = stderrTail.join("\n");
      const error = new AzuriteStartError(
        `azurite-table exited before it was ready (code ${code ?? "none"}, signal ${signal ?? "none"})${detail ? `: ${detail}` : ""}`,
      );
      fail(PORT_TAKEN.test(detail) ? Object.assign(error, { portTaken: true }) : error);
    });
  });
}

/**
 * Starts azurite-table on 127.0.0.1 and a free port, in memory unless `persistDir` is given.
 * Resolves once Azurite prints that it listens; `close()` stops it and waits for it to exit.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteInstance> {
  const logger = options.logger ?? silentLogger;
  const script = azuriteTableScript();
  installExitHook();
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
    const port = options.port ?? (await findFreePort());
    try {
      const { child } = await launchOnce(script, port, options, logger);
      return instance(child, port, options, logger);
    } catch (error) {
      lastError = error;
      // Another process may have taken the port between probing and binding: try a new one.
      const portTaken = typeof error === "object" && error !== null && "portTaken" in error;
      if (!portTaken) break;
    }
  }
  throw lastError instanceof Error ? lastError : new AzuriteStartError("azurite-table did not start");
}

function instance(
  child: ChildProcess,
  port: number,
  options: AzuriteOptions,
  logger: Logger,
): AzuriteInstance {
  const tableEndpoint = `http://127.0.0.1:${port}/${DEV_ACCOUNT_NAME}`;
  let closing: Promise<void> | undefined;
  logger.info("azurite table service started", { tableEndpoint });
  return {
    tableEndpoint,
    connectionString: devConnectionString(tableEndpoint),
    port,
    pid: child.pid,
    close() {
      closing ??= (async () => {
        // SIGINT lets a persisted instance flush its database; in memory there is nothing to keep.
        child.kill(options.persistDir === undefined ? "SIGTERM" : "SIGINT");
        const grace = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
        await exited(child);
        clearTimeout(grace);
        logger.info("azurite table service stopped", { tableEndpoint });
      })();
      return closing;
    },
  };
}
