import type { Command } from "commander";
import type { FailureReport } from "../../shared/admin/failures.js";
import { failuresQuery } from "../../shared/admin/requests.js";
import { table } from "./admin-output.js";
import { guarded, output, parseOptions, withPorts } from "./admin-support.js";

/** The failure groups as text: per group its fix, the command that retries it, and examples. */
export function describeFailures(report: FailureReport): string {
  if (report.total === 0) return "no failed accounts";
  const lines = [
    `${report.total} failed accounts in ${report.groups.length} groups (retry a group with mailferry retry --group <id>)`,
    "",
    table([
      ["GROUP", "CLASS", "COUNT", "WAVES", "REASON"],
      ...report.groups.map((group) => [
        group.id,
        group.failureClass,
        group.count,
        group.waves.join(","),
        group.reason,
      ]),
    ]),
  ];
  for (const group of report.groups) {
    lines.push("", `group ${group.id}: ${group.failureClass}, ${group.count} accounts`);
    lines.push(`  fix    ${group.hint ?? "see the reason; fix its cause, then retry"}`);
    lines.push(`  retry  ${group.retryCommand}`);
    for (const example of group.examples) {
      lines.push(
        `  e.g.   ${example.sourceUpn} → ${example.targetUpn} [${example.waveId}, attempt ${example.attempt}]: ${example.message}`,
      );
    }
  }
  return lines.join("\n");
}

/** `mailferry failures [--wave W] [--examples N] [--json]`. */
export function registerFailuresCommand(program: Command): void {
  program
    .command("failures")
    .description("failed accounts grouped by failure class and reason, with counts and examples")
    .option("--wave <wave>", "only this wave")
    .option("--examples <n>", "examples per group (0-50, default 3)")
    .option("--json", "print JSON")
    .action((options: { wave?: string; examples?: string; json?: boolean }) => {
      return guarded(async () => {
        const query = parseOptions(failuresQuery, { wave: options.wave, examples: options.examples });
        const { failureGroups } = await import("../../shared/admin/failures.js");
        await withPorts(async (ports) => {
          const report = await failureGroups(ports, {
            ...(query.wave !== undefined ? { waveId: query.wave } : {}),
            ...(query.examples !== undefined ? { examples: query.examples } : {}),
          });
          output(options.json, report, () => describeFailures(report));
        });
      });
    });
}
