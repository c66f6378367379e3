/**
 * The inventory import use-case: streams a CSV inventory, validates every row, rejects duplicates
 * within the file, and upserts the valid rows in batches. Memory stays flat however long the file
 * is, apart from the duplicate index (12 bytes per row, see FingerprintSet).
 */
import type { Readable } from "node:stream";
import { MailferryError, ValidationError } from "../errors.js";
import { accountIdFromUpn, type ImportedAccount, parseWaveId } from "../domain/index.js";
import type { ImportOutcome, MigrationStore } from "../store/index.js";
import { type Logger, silentLogger } from "../telemetry/logger.js";
import { type Header, readHeader, COLUMNS } from "./columns.js";
import { csvRecords } from "./csv.js";
import { CsvSyntaxError, InventoryReadError } from "./errors.js";
import { FingerprintSet } from "./fingerprints.js";
import type { RowProblem } from "./problems.js";
import { validateRow } from "./rows.js";

export interface ImportOptions {
  readonly store: MigrationStore;
  /** Wave for rows that name none; a row naming another wave is rejected. */
  readonly waveId?: string;
  /** Validate only; write nothing. */
  readonly dryRun?: boolean;
  /** Creation time recorded on new accounts (default: now). */
  readonly now?: Date;
  /** Rows per store call (default 6,000). */
  readonly batchSize?: number;
  /**
   * Store calls in flight (default 1: the store parallelises within a call, and parsing goes on
   * while a batch is written).
   */
  readonly concurrency?: number;
  /** Called for every problem, as soon as it is found. */
  readonly onProblem?: (problem: RowProblem) => void;
  readonly onProgress?: (progress: ImportProgress) => void;
  readonly logger?: Logger;
}

export interface ImportProgress {
  /** Bytes of the file read so far. */
  readonly bytes: number;
  /** Data rows read so far. */
  readonly rows: number;
  readonly accepted: number;
  readonly rejected: number;
  /** Accepted rows the store has processed (0 on a dry run, which writes nothing). */
  readonly written: number;
}

export interface ImportSummary extends Readonly<Record<ImportOutcome, number>> {
  readonly rows: number;
  readonly accepted: number;
  readonly rejected: number;
  readonly problems: number;
  readonly dryRun: boolean;
  /** Set when the file could not be read to its end: its header or its quoting was broken. */
  readonly aborted?: "header" | "syntax";
}

const DEFAULT_BATCH = 6_000;
const PROGRESS_EVERY_ROWS = 5_000;

/** Reads and imports an inventory; resolves with what happened, row problems included. */
export async function importInventory(input: Readable, options: ImportOptions): Promise<ImportSummary> {
  const logger = options.logger ?? silentLogger;
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  const concurrency = options.concurrency ?? 1;
  const dryRun = options.dryRun ?? false;

  const waves = new Map((await options.store.waves.list()).map((wave) => [wave.id, wave.status] as const));
  const defaultWave = options.waveId === undefined ? undefined : parseWaveId(options.waveId, "--wave");
  if (defaultWave !== undefined && !waves.has(defaultWave)) {
    throw new ValidationError(
      "--wave",
      `wave ${defaultWave} does not exist (create it with mailferry wave create)`,
    );
  }

  let bytes = 0;

  const outcomes: Record<ImportOutcome, number> = { created: 0, updated: 0, unchanged: 0, kept: 0 };
  let rows = 0;
  let accepted = 0;
  let rejected = 0;
  let problems = 0;
  let written = 0;
  let aborted: ImportSummary["aborted"];

  const progress = (): void => options.onProgress?.({ bytes, rows, accepted, rejected, written });
  const report = (problem: RowProblem): void => {
    problems++;
    options.onProblem?.(problem);
  };

  // Batches being written; parsing waits when too many are.
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const flush = async (batch: ImportedAccount[]): Promise<void> => {
    if (batch.length === 0 || dryRun) return;
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure !== undefined) return;
    const task = options.store.accounts.upsertImported(batch, now).then(
      (results) => {
        for (const result of results) outcomes[result.outcome]++;
        written += results.length;
        progress();
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
    const tracked: Promise<void> = task.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  const sources = new FingerprintSet();
  const targets = new FingerprintSet();
  let header: Header | undefined;
  let batch: ImportedAccount[] = [];
  let sawHeader = false;

  try {
    for await (const record of csvRecords(input)) {
      if (failure !== undefined) break;
      bytes = record.bytes;
      if (!sawHeader) {
        sawHeader = true;
        const read = readHeader(record.fields, record.line);
        if (Array.isArray(read)) {
          read.forEach(report);
          aborted = "header";
          break;
        }
        if (read.index.wave === undefined && defaultWave === undefined) {
          // A whole-file problem: one message, not the same one for every row.
          report({
            line: record.line,
            column: "wave",
            message:
              "the file has no wave column and no --wave was given: add the column or pass --wave <wave>",
          });
          aborted = "header";
          break;
        }
        header = read;
        continue;
      }
      if (header === undefined) break;
      rows++;
      const result = validateRow(record.fields, header, record.line, {
        waves,
        ...(defaultWave === undefined ? {} : { defaultWave }),
      });
      if (!result.ok) {
        rejected++;
        result.problems.forEach(report);
      } else {
        const account = result.account;
        const firstSource = sources.add(accountIdFromUpn(account.source.upn), record.line);
        const firstTarget = targets.add(account.target.upn.toLowerCase(), record.line);
        if (firstSource !== 0 || firstTarget !== 0) {
          rejected++;
          if (firstSource !== 0)
            report({ line: record.line, column: "sourceUpn", message: `duplicates line ${firstSource}` });
          if (firstTarget !== 0)
            report({ line: record.line, column: "targetUpn", message: `duplicates line ${firstTarget}` });
        } else {
          accepted++;
          batch.push(account);
          if (batch.length >= batchSize) {
            await flush(batch);
            batch = [];
          }
        }
      }
      if (rows % PROGRESS_EVERY_ROWS === 0) progress();
    }
    if (!sawHeader) {
      report({
        line: 1,
        message: `the file is empty; expected a header such as ${COLUMNS.slice(0, 4).join(",")}`,
      });
      aborted = "header";
    }
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) {
      await Promise.all(inFlight);
      throw error instanceof MailferryError
        ? error
        : new InventoryReadError("could not read the inventory", { cause: error });
    }
    report({ line: error.line, message: error.message.replace(/^line \d+: /, "") });
    aborted = "syntax";
  }
  if (aborted !== "header") await flush(batch);
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure.error;
  progress();
  const summary: ImportSummary = {
    rows,
    accepted,
    rejected,
    problems,
    dryRun,
    ...outcomes,
    ...(aborted === undefined ? {} : { aborted }),
  };
  logger.info("inventory imported", { ...summary });
  return summary;
}
