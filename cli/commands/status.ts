import type { Command } from "commander";
import { ACCOUNT_STATUSES } from "../../shared/domain/index.js";
import { statusQuery } from "../../shared/admin/requests.js";
import type { WaveStatusReport } from "../../shared/admin/status.js";
import { bytes, percent, table, when } from "./admin-output.js";
import { guarded, output, parseOptions, withPorts } from "./admin-support.js";

function describe(report: WaveStatusReport): string {
  const counts = ACCOUNT_STATUSES.filter((status) => report.counts.byStatus[status] > 0)
    .map((status) => `${status} ${report.counts.byStatus[status]}`)
    .join(", ");
  const window = report.window.open
    ? `open until ${when(report.window.end)}, ${report.window.capacityLeft ?? 0} of ${report.window.capacity ?? 0} cutovers left`
    : report.window.start !== undefined
      ? `closed; next opens ${when(report.window.start)}`
      : "no window ahead";
  return [
    `wave ${report.waveId}: ${report.status}${report.completeNow ? `, complete now (asked ${when(report.completeNow)})` : ""}${report.completeAfter ? `, complete after ${when(report.completeAfter)}` : ""}`,
    `  accounts     ${report.counts.accounts} (${counts || "none"})`,
    `  in flight    ${report.inFlight}, settled ${report.settled}, remaining ${report.remaining}`,
    `  copied       ${report.counts.items} items, ${bytes(report.counts.bytes)}`,
    `  last hour    ${report.lastHour.items} items, ${bytes(report.lastHour.bytes)}, ${report.lastHour.completed} completed, ${report.lastHour.failed} failed, ${report.lastHour.throttled} throttled slices`,
    `  failure rate ${percent(report.failureRate)}`,
    `  window       ${window}`,
    ...Object.entries(report.waiting).map(([reason, count]) => `  waiting      ${count} synced: ${reason}`),
    `  eta          wave ${when(report.eta.wave)}; window work ${when(report.eta.window)}${report.eta.windowWorkFits === false ? " (past the window's end)" : ""}`,
  ].join("\n");
}

/** `mailferry status [--wave W] [--json]`. */
export function registerStatusCommand(program: Command): void {
  program
    .command("status")
    .description(
      "every wave (or one): counts per status, items and bytes, last hour's pace, failure rate, ETAs",
    )
    .option("--wave <wave>", "only this wave")
    .option("--detail", "one block per wave instead of a table")
    .option("--json", "print JSON")
    .action((options: { wave?: string; detail?: boolean; json?: boolean }) => {
      return guarded(async () => {
        const { wave } = parseOptions(statusQuery, { wave: options.wave });
        const { waveStatus } = await import("../../shared/admin/status.js");
        await withPorts(async (ports) => {
          const report = await waveStatus(ports, wave);
          output(options.json, report, () => {
            if (report.waves.length === 0) return "no waves yet: create one with mailferry wave create";
            if (options.detail === true || wave !== undefined) return report.waves.map(describe).join("\n\n");
            return table([
              [
                "WAVE",
                "STATUS",
                "ACCOUNTS",
                "IN FLIGHT",
                "DONE",
                "FAILED",
                "ITEMS",
                "BYTES",
                "ITEMS/H",
                "FAIL %",
                "ETA",
              ],
              ...report.waves.map((w) => [
                w.waveId,
                w.status,
                w.counts.accounts,
                w.inFlight,
                w.counts.byStatus.Completed + w.counts.byStatus.CompletedWithWarnings,
                w.counts.byStatus.Failed,
                w.counts.items,
                bytes(w.counts.bytes),
                w.lastHour.items,
                percent(w.failureRate),
                when(w.eta.wave),
              ]),
            ]);
          });
        });
      });
    });
}
