/**
 * A wave's accounts as CSV, one line per account, read page by page so a wave of any size streams.
 * Cells that a spreadsheet would run as a formula are prefixed with a quote.
 */
import { stringify } from "csv-stringify/sync";
import { ACCOUNT_STATUSES, type Account, type AccountStatus, type Wave } from "../domain/index.js";
import type { AdminPorts } from "./ports.js";
import { userRow } from "./users.js";

const PAGE = 1000;

export const REPORT_COLUMNS = [
  "accountId",
  "sourceUpn",
  "targetUpn",
  "status",
  "statusSince",
  "attempt",
  "priority",
  "folders",
  "items",
  "bytes",
  "badItems",
  "largeItemsSkipped",
  "percentComplete",
  "sourceItems",
  "sourceBytes",
  "lastSyncAt",
  "lastIncrementalSyncAt",
  "durationSeconds",
  "consistency",
  "stalled",
  "waiting",
  "warnings",
  "failureClass",
  "failureCode",
  "failureMessage",
] as const;

/** A text cell, defused when a spreadsheet would read it as a formula. */
export function defuse(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One CSV line (CRLF-terminated, as RFC 4180 has it). */
export function csvLine(cells: readonly (string | number)[]): string {
  return stringify([cells.map((cell) => (typeof cell === "string" ? defuse(cell) : cell))], {
    record_delimiter: "windows",
  });
}

function row(account: Account, wave: Wave, now: Date): string {
  const { statistics: stats } = userRow(account, wave, now);
  return csvLine([
    account.id,
    account.source.upn,
    account.target.upn,
    account.status,
    account.statusSince,
    account.attempt,
    account.priority,
    account.progress.folders,
    account.progress.items,
    account.progress.bytes,
    account.progress.badItems,
    account.progress.largeItemsSkipped,
    stats.percentComplete,
    stats.sourceItems ?? "",
    stats.sourceBytes ?? "",
    stats.lastSyncAt ?? "",
    stats.lastIncrementalSyncAt ?? "",
    stats.durationMs === undefined ? "" : Math.round(stats.durationMs / 1000),
    stats.consistency ?? "",
    stats.stalled ? "yes" : "no",
    stats.waiting ?? "",
    // CompletedWithWarnings always says what the warnings were.
    stats.warnings.join("; "),
    account.lastError?.class ?? "",
    account.lastError?.code ?? "",
    account.lastError?.message ?? "",
  ]);
}

/**
 * The report's lines (header first) for a wave, or for
 * its accounts in one status. The wave must exist (NotFoundError).
 */
export async function* waveReport(
  ports: AdminPorts,
  waveId: string,
  status?: AccountStatus,
): AsyncIterable<string> {
  const wave = await ports.store.waves.get(waveId);
  const now = ports.now();
  yield csvLine(REPORT_COLUMNS);
  for (const current of status === undefined ? ACCOUNT_STATUSES : [status]) {
    let token: string | undefined;
    do {
      const page = await ports.store.accounts.listByStatus(waveId, current, {
        limit: PAGE,
        ...(token === undefined ? {} : { continuationToken: token }),
      });
      for (const account of page.items) yield row(account, wave, now);
      token = page.continuationToken;
    } while (token !== undefined);
  }
}
