import { createWriteStream } from "node:fs";
import { writeFile } from "node:fs/promises";
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { Command } from "commander";
import { reportParams, reportQuery } from "../../shared/admin/requests.js";
import { guarded, parseOptions, withPorts } from "./admin-support.js";

async function write(target: Writable, chunk: string): Promise<void> {
  if (!target.write(chunk)) await once(target, "drain");
}

/** `mailferry report <wave> [--status S] [--output file]`: a wave's accounts as CSV. */
export function registerReportCommand(program: Command): void {
  program
    .command("report")
    .description(
      "export a wave's accounts as CSV (status, progress, per-user statistics, warnings, failure) to stdout or a file",
    )
    .argument("<wave>", "wave id")
    .option("--status <status>", "only accounts in this status")
    .option("--output <file>", "write to this file instead of stdout")
    .option("--json", "print the accounts with their per-user statistics as JSON instead of CSV")
    .action((wave: string, options: { status?: string; output?: string; json?: boolean }) =>
      guarded(async () => {
        const { waveId } = parseOptions(reportParams, { waveId: wave }, { waveId: "<wave>" });
        const { status } = parseOptions(reportQuery, { status: options.status });
        const { waveReport } = await import("../../shared/admin/report.js");
        const { waveUsers } = await import("../../shared/admin/users.js");
        await withPorts(async (ports) => {
          if (options.json === true) {
            const page = await waveUsers(ports, waveId, status === undefined ? {} : { status });
            const text = `${JSON.stringify(page)}\n`;
            if (options.output === undefined) await write(process.stdout, text);
            else await writeFile(options.output, text);
            return;
          }
          const target = options.output === undefined ? process.stdout : createWriteStream(options.output);
          let lines = 0;
          try {
            for await (const line of waveReport(ports, waveId, status)) {
              await write(target, line);
              lines += 1;
            }
          } finally {
            if (target !== process.stdout) {
              target.end();
              await once(target, "close");
            }
          }
          if (options.output !== undefined) {
            process.stderr.write(`wrote ${lines - 1} accounts to ${options.output}\n`);
          }
        });
      }),
    );
}
