import type { Command } from "commander";
import { ACCOUNT_STATUSES, zonedTime } from "../../shared/domain/index.js";
import { statusQuery } from "../../shared/admin/requests.js";
import type { WaveStatusReport } from "../../shared/admin/status.js";
import { bytes, percent, table } from "./admin-output.js";
import { guarded, output, parseOptions, withPorts } from "./admin-support.js";

/** Lines on the wave's window: the open one (if any), the next one, and who waits for it. */
function windowLines(report: WaveStatusReport, at: (iso: string | null | undefined) => string): string[] {
  const { window } = report;
  const lines: string[] = [];
  const synced = report.counts.byStatus.Synced;
  if (window.open) {
    // An open window that none of the synced accounts may use must not read as cutovers under way.
    const unusable =
      synced > 0 && report.cutoverWait !== undefined && report.cutoverWait.accounts >= synced
        ? `, but none of the ${synced} synced accounts may be cut over in it`
        : "";
    lines.push(
      `  window       open until ${at(window.end)}${unusable}, ${window.capacityLeft ?? 0} of ${window.capacity ?? 0} cutovers left`,
    );
  } else {
    lines.push(`  window       none open${window.next === undefined ? ", and none ahead" : ""}`);
  }
  if (window.next !== undefined) {
    lines.push(`  next window  opens ${at(window.next.start)}, ${window.next.capacity} cutovers`);
  }
  for (const [reason, count] of Object.entries(report.waiting)) {
    lines.push(`  waiting      ${count} synced: ${reason}`);
  }
  const wait = report.cutoverWait;
  if (wait !== undefined) {
    lines.push(
      `  cutover      ${wait.accounts} synced accounts wait ${wait.opens === undefined ? "for a window (none ahead)" : `until ${at(wait.opens)}`}; sooner:`,
      ...wait.sooner.map((option) => `                 ${option.command}  (${option.effect})`),
    );
  }
  return lines;
}

function etaLine(report: WaveStatusReport, at: (iso: string | null | undefined) => string): string {
  const { eta } = report;
  if (eta.wave === null) return `  eta          unknown: ${eta.why ?? "no pace yet"}`;
  const last =
    eta.lastWindow === undefined
      ? ""
      : ` (in the window ${at(eta.lastWindow.start)} to ${at(eta.lastWindow.end)})`;
  const copies = eta.copiesDone === null ? "" : `; copies done by ${at(eta.copiesDone)}`;
  return `  eta          last cutovers start ${at(eta.wave)}${last}${copies}`;
}

/** One wave's status as text, its times in the wave's zone with their offset. */
export function describeWaveStatus(report: WaveStatusReport): string {
  const at = (iso: string | null | undefined): string => zonedTime(iso, report.timeZone);
  const counts = ACCOUNT_STATUSES.filter((status) => report.counts.byStatus[status] > 0)
    .map((status) => `${status} ${report.counts.byStatus[status]}`)
    .join(", ");
  const pace = report.copyPace;
  return [
    `wave ${report.waveId}: ${report.status} (times in ${report.timeZone})${report.completeNow ? `, complete now (asked ${at(report.completeNow)})` : ""}${report.completeAfter ? `, complete after ${at(report.completeAfter)}` : ""}`,
    `  accounts     ${report.counts.accounts} (${counts || "none"})`,
    `  in flight    ${report.inFlight}, settled ${report.settled}, remaining ${report.remaining}`,
    `  copied       ${report.counts.items} items, ${bytes(report.counts.bytes)}`,
    `  copy pace    ${pace.accountsPerHour} accounts/h finished a copy, ${pace.itemsPerHour} items/h, ${bytes(pace.bytesPerHour)}/h (last hour)`,
    `  last hour    ${report.lastHour.completed} completed, ${report.lastHour.failed} failed, ${report.lastHour.throttled} throttled requests`,
    `  failure rate ${percent(report.failureRate)} (${report.counts.byStatus.Failed} failed of ${report.finishedStep} accounts that finished a step)`,
    ...windowLines(report, at),
    etaLine(report, at),
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
            if (options.detail === true || wave !== undefined)
              return report.waves.map(describeWaveStatus).join("\n\n");
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
                "LAST CUTOVERS",
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
                w.copyPace.itemsPerHour,
                percent(w.failureRate),
                zonedTime(w.eta.wave, w.timeZone),
              ]),
            ]);
          });
        });
      });
    });
}
