import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { Command } from "commander";
import { ValidationError } from "../../shared/errors.js";
import type { ImportProgress, ImportSummary, RowProblem } from "../../shared/inventory/index.js";
import { EXIT, printJsonLine } from "./output.js";

interface ImportCommandOptions {
  wave?: string;
  dryRun?: boolean;
  json?: boolean;
}

/**
 * Shows progress as a bar on a terminal, as occasional plain lines otherwise; both on stderr. A
 * dry run says how many rows are valid, never that any were written.
 */
async function progressReporter(
  totalBytes: number | undefined,
  dryRun: boolean,
): Promise<{
  progress: (progress: ImportProgress) => void;
  problem: (line: string) => void;
  stop: () => void;
}> {
  if (process.stderr.isTTY && totalBytes !== undefined) {
    const { MultiBar, Presets } = await import("cli-progress");
    const bars = new MultiBar(
      {
        stream: process.stderr,
        format: `${dryRun ? "checking" : "importing"} [{bar}] {percentage}% | {rows} rows, {rejected} rejected`,
        hideCursor: true,
        clearOnComplete: true,
      },
      Presets.shades_classic,
    );
    const bar = bars.create(Math.max(totalBytes, 1), 0, { rows: 0, rejected: 0 });
    return {
      progress: (p) => bar.update(p.bytes, { rows: p.rows, rejected: p.rejected }),
      problem: (line) => bars.log(`${line}\n`),
      stop: () => bars.stop(),
    };
  }
  let lastLine = 0;
  return {
    progress: (p) => {
      if (Date.now() - lastLine < 2_000) return;
      lastLine = Date.now();
      process.stderr.write(
        dryRun
          ? `checking (dry run): ${p.rows} rows read, ${p.accepted} valid, ${p.rejected} rejected\n`
          : `importing: ${p.rows} rows read, ${p.written} written, ${p.rejected} rejected\n`,
      );
    },
    problem: (line) => process.stderr.write(`${line}\n`),
    stop: () => undefined,
  };
}

async function fileSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ValidationError(file, "is not a file");
    return info.size;
  } catch (error) {
    if (error instanceof ValidationError) throw error;
    const code = error instanceof Error && "code" in error ? String(error.code) : "unknown error";
    throw new ValidationError(file, `cannot be read (${code})`, { cause: error });
  }
}

function describe(summary: ImportSummary): string {
  const lines = [
    `read ${summary.rows} rows: ${summary.accepted} accepted, ${summary.rejected} rejected (${summary.problems} problems)`,
  ];
  if (summary.aborted === "header") lines.push("the header is not usable: nothing was imported");
  if (summary.aborted === "syntax")
    lines.push("the file could not be read to its end: rows after the broken one were not read");
  lines.push(
    summary.dryRun
      ? `dry run: nothing was written; ${summary.accepted} rows would be imported`
      : `created ${summary.created}, updated ${summary.updated}, unchanged ${summary.unchanged}, kept ${summary.kept} (already past Pending, untouched)`,
  );
  return lines.join("\n");
}

/** `mailferry import <file.csv> [--wave W] [--dry-run]`: loads an inventory into the store. */
export function registerImportCommand(program: Command): void {
  program
    .command("import")
    .description(
      "import an inventory CSV (sourceUpn,targetUpn[,wave,priority,...]); re-importing changes nothing",
    )
    .argument("<file>", "CSV file, or - for standard input")
    .option("--wave <wave>", "wave for rows without a wave column or cell")
    .option("--dry-run", "validate every row but write nothing")
    .option("--json", "print the summary as one JSON line")
    .action(async (file: string, options: ImportCommandOptions) => {
      const fromStdin = file === "-";
      const totalBytes = fromStdin ? undefined : await fileSize(file);
      const input = fromStdin ? process.stdin : createReadStream(file);
      const label = fromStdin ? "stdin" : basename(file);
      const [{ tablesSettings }, { formatProblem, importInventory }, { createStore }, { createLogger }] =
        await Promise.all([
          import("../../shared/config/index.js"),
          import("../../shared/inventory/index.js"),
          import("../../shared/store/index.js"),
          import("../../shared/telemetry/logger.js"),
        ]);
      const store = await createStore(tablesSettings(), { logger: createLogger() });
      const reporter = await progressReporter(totalBytes, options.dryRun === true);
      let summary: ImportSummary;
      try {
        summary = await importInventory(input, {
          store,
          ...(options.wave === undefined ? {} : { waveId: options.wave }),
          dryRun: options.dryRun === true,
          onProblem: (problem: RowProblem) => reporter.problem(`${label}: ${formatProblem(problem)}`),
          onProgress: reporter.progress,
        });
      } finally {
        reporter.stop();
        await store.close();
      }
      if (options.json === true) printJsonLine(summary);
      else process.stdout.write(`${describe(summary)}\n`);
      process.exitCode = summary.problems > 0 ? EXIT.invalidInput : EXIT.ok;
    });
}
