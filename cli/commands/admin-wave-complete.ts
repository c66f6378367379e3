import type { Command } from "commander";
import type { Wave } from "../../shared/domain/index.js";
import { RequestValidationError } from "../../shared/admin/errors.js";
import { waveOperationBody, waveOperationParams } from "../../shared/admin/requests.js";
import { when } from "./admin-output.js";
import { cliOperator, guarded, output, parseOptions, withPorts } from "./admin-support.js";

interface CompleteOptions {
  now?: boolean;
  after?: string;
  reason?: string;
  json?: boolean;
}

const HELP = `
Complete now (no --after, or --now): sets the wave's completeNow. The scheduler cuts every Synced
account of the wave over (final pass, then the finalize actions) at its next run, whether a cutover
window is open or not, without using window capacity but within the wave's in-flight cap and
release rate. Accounts still copying are cut over as soon as they are synced. Only an Active wave
is scheduled: complete now on a Scheduled or Paused wave takes effect when it is resumed.

Complete after (--after <time>): sets the wave's completeAfter. No account of the wave starts its
cutover before that time; after it, cutovers still wait for a window. Nothing else is cleared: a
"complete now" asked for earlier stays in force.

An account's own completeNow and completeAfter (mailferry account complete) take the place of the
wave's; a complete now, the account's or the wave's, goes before any complete after. Both are
recorded in the operator-actions log (mailferry actions).

Exit codes: 0 done, 1 refused (the wave is Completed or Cancelled), 2 invalid options or unknown wave.`;

function summary(wave: Wave, mode: "now" | "after", actionId: string): string {
  const what =
    mode === "now"
      ? `cuts its synced accounts over now (complete now asked ${when(wave.completeNow, wave.timeZone)})`
      : `completes after ${when(wave.completeAfter, wave.timeZone)}`;
  return `wave ${wave.id} (${wave.status}) ${what} (action ${actionId})`;
}

function addComplete(command: Command): void {
  command
    .description(
      "complete a wave now (default: synced accounts cut over at once, window or not) or after a time (--after), recorded",
    )
    .argument("<wave>", "wave id")
    .option("--now", "complete now: sets the wave's completeNow (the default)")
    .option(
      "--after <time>",
      "complete after this ISO 8601 time with a zone, e.g. 2025-03-08T19:00:00Z: sets the wave's completeAfter",
    )
    .option("--reason <text>", "why, for the operator-actions log")
    .option("--json", "print JSON")
    .addHelpText("after", HELP)
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
        const { changeWave } = await import("../../shared/admin/waves.js");
        await withPorts(async (ports) => {
          const { wave: changed, actionId } = await changeWave(
            ports,
            waveId,
            "complete",
            body,
            cliOperator(),
          );
          const { etag: _etag, ...shown } = changed;
          output(options.json, { wave: shown, actionId }, () =>
            summary(changed, body.at === undefined ? "now" : "after", actionId),
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
