import type { Command } from "commander";
import { RequestValidationError } from "../../shared/admin/errors.js";
import { waveOperationBody, waveOperationParams } from "../../shared/admin/requests.js";
import { changeWave } from "../../shared/admin/waves.js";
import { when } from "./admin-output.js";
import { cliOperator, guarded, output, parseOptions, withPorts } from "./admin-support.js";

interface CompleteOptions {
  now?: boolean;
  after?: string;
  reason?: string;
  json?: boolean;
}

function addComplete(command: Command): void {
  command
    .description("allow a wave's final cutover now (--now) or from a time (--after), recorded")
    .argument("<wave>", "wave id")
    .option("--now", "complete now (the default)")
    .option("--after <time>", "complete after this ISO 8601 time with a zone, e.g. 2025-03-08T19:00:00Z")
    .option("--reason <text>", "why, for the operator-actions log")
    .option("--json", "print JSON")
    .action((wave: string, options: CompleteOptions) =>
      guarded(async () => {
        const { waveId } = parseOptions(
          waveOperationParams,
          { waveId: wave, operation: "complete" },
          { waveId: "<wave>" },
        );
        if (options.now === true && options.after !== undefined) {
          throw new RequestValidationError([{ path: "--now", message: "cannot be combined with --after" }]);
        }
        const body = parseOptions(waveOperationBody, { at: options.after, reason: options.reason });
        await withPorts(async (ports) => {
          const { wave: changed, actionId } = await changeWave(
            ports,
            waveId,
            "complete",
            body,
            cliOperator(),
          );
          const { etag: _etag, ...shown } = changed;
          output(
            options.json,
            { wave: shown, actionId },
            () =>
              `wave ${changed.id} (${changed.status}) completes after ${when(changed.completeAfter)} (action ${actionId})`,
          );
        });
      }),
    );
}

/**
 * `mailferry wave complete <wave> [--now | --after <time>]`, added to the `wave` command when it
 * exists, else as the top-level `wave-complete`.
 */
export function registerWaveCompleteCommand(program: Command): void {
  const wave = program.commands.find((command) => command.name() === "wave");
  addComplete(wave === undefined ? program.command("wave-complete") : wave.command("complete"));
}
