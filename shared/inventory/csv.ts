/**
 * Streams CSV records with the line each starts on. Parsing is csv-parse's (quotes, embedded
 * commas and line breaks, BOM, CRLF); quotes inside unquoted fields are kept as text so one stray
 * quote spoils one row rather than the rest of the file.
 */
import { type Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { CsvSyntaxError } from "./errors.js";

/** One record and where it starts. */
export interface CsvRecord {
  readonly fields: readonly string[];
  readonly line: number;
  /** Bytes of input read up to the end of this record. */
  readonly bytes: number;
}

/** Longest record accepted; a longer one is almost always an unclosed quote swallowing the file. */
export const MAX_RECORD_CHARS = 64 * 1024;

function countCrlf(text: string): number {
  let count = 0;
  for (let at = text.indexOf("\r\n"); at >= 0; at = text.indexOf("\r\n", at + 2)) count++;
  return count;
}

function isBlank(fields: readonly string[]): boolean {
  return fields.length === 1 && (fields[0] ?? "").trim() === "";
}

function syntaxError(error: CsvError, line: number): CsvSyntaxError {
  if (error.code === "CSV_QUOTE_NOT_CLOSED") {
    return new CsvSyntaxError(
      line,
      "a quoted field opened here is never closed; nothing after it could be read",
    );
  }
  if (error.code === "CSV_MAX_RECORD_SIZE") {
    return new CsvSyntaxError(
      line,
      `the record starting here is longer than ${MAX_RECORD_CHARS} characters (an unclosed quote?); nothing after it could be read`,
    );
  }
  return new CsvSyntaxError(line, error.message, { cause: error });
}

/**
 * Yields the non-blank records of `input` in order, then throws CsvSyntaxError if the file broke
 * off. A broken record is reported through csv-parse's `skip` event rather than as a stream error,
 * because a stream error would discard the good records still buffered ahead of it.
 */
export async function* csvRecords(input: Readable): AsyncGenerator<CsvRecord> {
  const parser = input.pipe(
    parse({
      bom: true,
      info: true,
      relax_quotes: true,
      relax_column_count: true,
      skip_empty_lines: false,
      skip_records_with_error: true,
      max_record_size: MAX_RECORD_CHARS,
    }),
  );
  input.once("error", (error) => parser.destroy(error));
  // The first broken record and how many records came before it.
  let broken: { error: CsvError; before: number } | undefined;
  parser.on("skip", (error: CsvError) => {
    const before: unknown = error.records;
    broken ??= { error, before: typeof before === "number" ? before : 0 };
  });
  // Lines consumed so far. csv-parse counts a CRLF inside a quoted field as two lines, so that
  // surplus is tracked and taken off its count.
  let endLine = 0;
  let surplus = 0;
  let consumed = 0;
  try {
    for await (const entry of parser as AsyncIterable<{
      record: string[];
      info: { lines: number; bytes: number };
    }>) {
      if (broken !== undefined && consumed >= broken.before) break;
      consumed++;
      const line = endLine + 1;
      for (const field of entry.record) surplus += countCrlf(field);
      endLine = entry.info.lines - surplus;
      if (!isBlank(entry.record)) yield { fields: entry.record, line, bytes: entry.info.bytes };
    }
  } finally {
    parser.destroy();
    input.destroy();
  }
  if (broken !== undefined) throw syntaxError(broken.error, endLine + 1);
}
