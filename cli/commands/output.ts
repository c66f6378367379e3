import { AzureLocalError } from "@mailferry/azure-local";
import { ConfigError } from "../../shared/config/errors.js";
import { MailferryError, ValidationError } from "../../shared/errors.js";

/** Exit codes scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** Something failed that is not the caller's fault. */
  failure: 1,
  /** The input (arguments, file rows, settings) was rejected. */
  invalidInput: 2,
} as const;

/** An error and the chain of its causes. */
function causes(error: Error): Error[] {
  const chain: Error[] = [];
  for (let current: unknown = error; current instanceof Error && chain.length < 10; current = current.cause) {
    chain.push(current);
  }
  return chain;
}

/** Prints an error for a person (no stack for expected errors) and sets the exit code. */
export function reportFatal(error: unknown): void {
  // An emulator refusing its options (`mailferry emulate ...`) is as expected as a refused setting.
  if (error instanceof MailferryError || error instanceof AzureLocalError) {
    process.stderr.write(`mailferry: ${error.name}: ${error.message}\n`);
    // A setting or input found wrong is invalid input, also when it is the cause of a failed start.
    process.exitCode = causes(error).some(
      (cause) => cause instanceof ValidationError || cause instanceof ConfigError,
    )
      ? EXIT.invalidInput
      : EXIT.failure;
    return;
  }
  process.stderr.write(
    `mailferry: unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exitCode = EXIT.failure;
}

/** Prints one JSON line on stdout (machine-readable output of long-running commands). */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Resolves when the process is asked to stop (SIGINT or SIGTERM). */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
