/**
 * What the operator commands share: opening the ports from settings (the environment, as printed
 * by `mailferry emulate stack` or set for Azure), validating options with the admin API's zod
 * schemas, mapping refusals to exit codes, and progress on stderr.
 */
import { userInfo } from "node:os";
import type { z } from "zod";
import type { Operator } from "../../shared/admin/actions/record.js";
import {
  AccountClosedError,
  ConfirmationMismatchError,
  DeadLetterNotFoundError,
  ForbiddenError,
  RequestValidationError,
  UnauthenticatedError,
  WaveClosedError,
} from "../../shared/admin/errors.js";
import { ConfigError } from "../../shared/config/errors.js";
import { isAnyOf, ValidationError } from "../../shared/errors.js";
import {
  ConcurrencyConflictError,
  IllegalTransitionError,
  NotFoundError,
} from "../../shared/store/errors.js";
import type { AdminPorts } from "../../shared/admin/ports.js";
import { parseInput } from "../../shared/admin/requests.js";
import { EXIT, printJsonLine } from "./output.js";

/** Errors that mean the arguments named something that is not there or not as stated. */
const INPUT_ERRORS = [
  RequestValidationError,
  ValidationError,
  NotFoundError,
  DeadLetterNotFoundError,
  ConfirmationMismatchError,
  ConfigError,
];

/** Errors that are a refusal of the operation as the world stands (not a crash). */
const REFUSALS = [
  IllegalTransitionError,
  ConcurrencyConflictError,
  WaveClosedError,
  AccountClosedError,
  UnauthenticatedError,
  ForbiddenError,
];

/** The operator as recorded: the local user, marked as the CLI. */
export function cliOperator(): Operator {
  let name = "unknown";
  try {
    name = userInfo().username;
  } catch {
    // Some containers have no passwd entry; the record still says it came from the CLI.
  }
  return { actor: `cli:${name}`, via: "cli" };
}

/** Schema fields whose option is not simply the field in kebab case. */
const FLAGS: Readonly<Record<string, string>> = {
  waveId: "--wave",
  accountIds: "--account",
  accountId: "--account",
  failureClass: "--class",
  ratePerSecond: "--rate",
  sequenceNumber: "--sequence",
  expectedCount: "--expect",
  at: "--after",
  confirm: "--yes",
};

/** Names a rejected field as the option (or argument) the operator typed. */
function optionNamer(overrides: Readonly<Record<string, string>>): (path: readonly PropertyKey[]) => string {
  return (path) => {
    const [first, ...rest] = path.map(String);
    const key = first ?? "";
    const flag =
      overrides[key] ?? FLAGS[key] ?? `--${key.replace(/[A-Z]/g, (char) => `-${char.toLowerCase()}`)}`;
    return rest.length === 0 ? flag : `${flag}[${rest.join(".")}]`;
  };
}

/**
 * Rewrites a schema's message for the command line: field names it mentions (`otherwise select
 * with waveId, accountIds, ...`) become the options, and a flag that "must be true" must be given.
 */
export function inOptionTerms(message: string, name: (path: readonly PropertyKey[]) => string): string {
  // What follows "one of" lists values a user types (`--sort lastSync`), not fields.
  const [fields = "", values] = message.split(/(?<=\bone of )/, 2);
  const rewritten = fields
    .replace(/^must be true(?= to |[;:]|$)/, "must be given")
    .replace(
      /(select with )([A-Za-z, ]+)$/,
      (_all, lead: string, list: string) =>
        lead + list.replace(/\b(?!or\b)[A-Za-z]+\b/g, (field) => name([field])),
    )
    .replace(/\b[a-z]+[A-Z][A-Za-z]*\b/g, (field) => name([field]));
  return values === undefined ? rewritten : rewritten + values;
}

/**
 * Validates command options with the same schema the HTTP API uses; `overrides` names fields
 * given as arguments, e.g. `{ waveId: "<wave>" }`. Messages name the options, never the fields.
 */
export function parseOptions<T>(
  schema: z.ZodType<T>,
  raw: Record<string, unknown>,
  overrides: Readonly<Record<string, string>> = {},
): T {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined));
  const name = optionNamer(overrides);
  try {
    return parseInput(schema, defined, name);
  } catch (error) {
    if (!(error instanceof RequestValidationError)) throw error;
    throw new RequestValidationError(
      error.fields.map((field) => ({ path: field.path, message: inOptionTerms(field.message, name) })),
      { cause: error },
    );
  }
}

/** Opens the ports for `work` and closes them afterwards. */
export async function withPorts(work: (ports: AdminPorts) => Promise<void>): Promise<void> {
  // Loaded here, not at the top, so that building the command tree (and --help) stays cheap.
  const [{ createAdminPorts }, { createLogger }] = await Promise.all([
    import("../../shared/admin/create.js"),
    import("../../shared/telemetry/logger.js"),
  ]);
  const ports = await createAdminPorts(process.env, { logger: createLogger({ level: "warn" }) });
  try {
    await work(ports);
  } finally {
    await ports.close().catch(() => undefined);
  }
}

/**
 * Runs a command body and maps refusals to exit codes: 2 when the input was refused (invalid
 * options or settings, unknown wave or account, an unconfirmed count), 1 when the operation was
 * refused as things stand (e.g. an illegal wave transition). Anything else reaches reportFatal.
 */
export async function guarded(work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    report(error);
  }
}

function report(error: unknown): void {
  if (error instanceof RequestValidationError) {
    process.stderr.write("mailferry: invalid options:\n");
    for (const field of error.fields) process.stderr.write(`  ${field.path} ${field.message}\n`);
    process.exitCode = EXIT.invalidInput;
    return;
  }
  if (isAnyOf(error, INPUT_ERRORS) || isAnyOf(error, REFUSALS)) {
    process.stderr.write(`mailferry: ${error.message}\n`);
    process.exitCode = isAnyOf(error, INPUT_ERRORS) ? EXIT.invalidInput : EXIT.failure;
    return;
  }
  throw error;
}

/** Prints JSON (one line) or a human rendering. */
export function output(json: boolean | undefined, value: unknown, human: () => string): void {
  if (json === true) printJsonLine(value);
  else process.stdout.write(`${human()}\n`);
}

/** Progress of a long operation on stderr: a bar on a terminal, a line every few seconds otherwise. */
export async function progress(
  label: string,
  total: number,
): Promise<{ update(done: number): void; stop(): void }> {
  if (process.stderr.isTTY && total > 0) {
    const { SingleBar, Presets } = await import("cli-progress");
    const bar = new SingleBar(
      {
        stream: process.stderr,
        format: `${label} [{bar}] {value}/{total}`,
        hideCursor: true,
        clearOnComplete: true,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  let last = 0;
  return {
    update: (done) => {
      if (Date.now() - last < 2_000) return;
      last = Date.now();
      process.stderr.write(`${label}: ${done}${total > 0 ? ` of ${total}` : ""}\n`);
    },
    stop: () => undefined,
  };
}

/**
 * An AbortSignal that the first SIGINT or SIGTERM raises, so a long operation stops after the
 * message in hand instead of being killed in the middle of it.
 */
export function stopOnSignal(what: string): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (): void => {
    process.stderr.write(`\nstopping ${what} after the message in hand...\n`);
    controller.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    },
  };
}
