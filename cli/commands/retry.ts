import type { Command } from "commander";
import { retryBody } from "../../shared/admin/requests.js";
import type { RetryResult } from "../../shared/admin/retry.js";
import { RequestValidationError } from "../../shared/admin/errors.js";
import type { AdminPorts } from "../../shared/admin/ports.js";
import { EXIT } from "./output.js";
import { table } from "./admin-output.js";
import { cliOperator, guarded, output, parseOptions, progress, withPorts } from "./admin-support.js";

interface RetryOptions {
  wave?: string;
  account?: string[];
  class?: string;
  group?: string;
  all?: boolean;
  limit?: string;
  dryRun?: boolean;
  json?: boolean;
}

function describe(result: RetryResult): string {
  const lines: string[] = [];
  if (result.retried.length > 0) {
    lines.push(
      result.dryRun
        ? `dry run: ${result.retried.length} failed accounts would be retried`
        : `retried ${result.retried.length} accounts (recorded as action ${result.actionId ?? "-"})`,
      table([
        ["ACCOUNT", "WAVE", "CLASS", "ATTEMPT"],
        ...result.retried.map((entry) => [
          entry.accountId,
          entry.waveId,
          entry.failureClass,
          entry.nextAttempt,
        ]),
      ]),
    );
  }
  if (result.note !== undefined) lines.push(`nothing retried: ${result.note}`);
  for (const skip of result.skipped) lines.push(`not retried: ${skip.accountId} ${skip.why}`);
  return lines.join("\n");
}

/**
 * `mailferry retry`: Failed accounts as a new attempt, by wave, list, class or group;
 * `withAdminPorts` opens the ports from the settings unless a test gives others.
 */
export function registerRetryCommand(
  program: Command,
  withAdminPorts: (work: (ports: AdminPorts) => Promise<void>) => Promise<void> = withPorts,
): void {
  program
    .command("retry")
    .description(
      "queue failed accounts again as a new attempt; select by wave, accounts, class or group, or --all",
    )
    .option("--wave <wave>", "failed accounts of this wave")
    .option("--account <account...>", "these accounts (ids or source UPNs)")
    .option("--class <class>", "accounts that failed with this failure class")
    .option("--group <id>", "accounts of this failure group (see mailferry failures)")
    .option("--all", "every failed account of every wave (needed when nothing else selects)")
    .option("--limit <n>", "retry at most this many")
    .option("--dry-run", "list who would be retried; change nothing")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      "\nExit codes: 0 done, 1 nothing matched the selection or some named accounts were not retried, 2 invalid options.",
    )
    .action((options: RetryOptions) =>
      guarded(async () => {
        let failureClass = options.class;
        if (failureClass !== undefined) {
          const { knownFailureClass, unknownFailureClassMessage } = await import("./failure-classes.js");
          failureClass = knownFailureClass(failureClass);
          if (failureClass === undefined) {
            throw new RequestValidationError([
              { path: "--class", message: unknownFailureClassMessage(options.class ?? "") },
            ]);
          }
        }
        const request = parseOptions(retryBody, {
          waveId: options.wave,
          accountIds: options.account,
          failureClass,
          group: options.group,
          all: options.all,
          limit: options.limit,
          dryRun: options.dryRun,
        });
        const { retryFailed } = await import("../../shared/admin/retry.js");
        await withAdminPorts(async (ports) => {
          const bar = await progress("retrying", 0);
          let result: RetryResult;
          try {
            result = await retryFailed(ports, request, cliOperator(), {
              onRetried: (done) => bar.update(done),
            });
          } finally {
            bar.stop();
          }
          output(options.json, result, () => describe(result));
          // A selection that matches nothing is a failure a script must see, not a quiet success.
          if (result.skipped.length > 0 || result.matched === 0) process.exitCode = EXIT.failure;
        });
      }),
    );
}
