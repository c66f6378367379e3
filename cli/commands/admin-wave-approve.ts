import type { Command } from "commander";
import { waveApproveBody, waveOperationParams } from "../../shared/admin/requests.js";
import { cliOperator, guarded, output, parseOptions, withPorts } from "./admin-support.js";

const HELP = `
Approves the skipped items of every Synced account of a hybrid wave whose data consistency score
is the one given (Set-MigrationUser -ApproveSkippedItems for each), so Exchange Online may complete
them at their CompleteAfter. Recorded in the operator-actions log with the count.

Exit codes: 0 done, 1 refused (not a hybrid wave), 2 invalid options or unknown wave.`;

/** `mailferry wave approve <wave> --score <Investigate|Poor>`. */
export function registerWaveApproveCommand(program: Command): void {
  const wave = program.commands.find((command) => command.name() === "wave");
  (wave === undefined ? program.command("wave-approve") : wave.command("approve"))
    .description(
      "approve the skipped items of a hybrid wave's synced accounts with a data consistency score, recorded",
    )
    .argument("<wave>", "wave id")
    .requiredOption("--score <score>", "Investigate or Poor")
    .option("--reason <text>", "why, for the operator-actions log")
    .option("--json", "print JSON")
    .addHelpText("after", HELP)
    .action((id: string, options: { score: string; reason?: string; json?: boolean }) =>
      guarded(async () => {
        const { waveId } = parseOptions(
          waveOperationParams,
          { waveId: id, operation: "complete" },
          { waveId: "<wave>" },
        );
        const body = parseOptions(waveApproveBody, { score: options.score, reason: options.reason });
        const { approveWave } = await import("../../shared/admin/hybrid.js");
        await withPorts(async (ports) => {
          const result = await approveWave(ports, waveId, body, cliOperator());
          output(
            options.json,
            result,
            () =>
              `wave ${waveId}: ${result.approved} accounts with score ${body.score} approved (action ${result.actionId})`,
          );
        });
      }),
    );
}
