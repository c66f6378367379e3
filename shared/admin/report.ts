/**
 * A wave's accounts as CSV, one line per account, read page by page so a wave of any size streams.
 * Cells that a spreadsheet would run as a formula are prefixed with a quote.
 */
import { stringify } from "csv-stringify/sync";
import { ACCOUNT_STATUSES, type Account, type AccountStatus } from "../domain/index.js";
import type { AdminPorts } from "./ports.js";

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

function row(account: Account): string {
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
  await ports.store.waves.get(waveId);
  yield csvLine(REPORT_COLUMNS);
  for (const current of status === undefined ? ACCOUNT_STATUSES : [status]) {
    let token: string | undefined;
    do {
      const page = await ports.store.accounts.listByStatus(waveId, current, {
        limit: PAGE,
        ...(token === undefined ? {} : { continuationToken: token }),
      });
      for (const account of page.items) yield row(account);
      token = page.continuationToken;
    } while (token !== undefined);
  }
}
