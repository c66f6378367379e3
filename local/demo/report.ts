import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { stringify } from "csv-stringify/sync";
import type { Verification } from "./verify.js";

/** Writes the per-account CSV report of a run (no mail content: counts and classes only). */
export function writeReport(path: string, verification: Verification): void {
  const rows = verification.verdicts.map((verdict) => ({
    account: verdict.accountId,
    sourceUpn: verdict.sourceUpn,
    status: verdict.status,
    failureClass: verdict.failureClass ?? "",
    items: verdict.items,
    bytes: verdict.bytes,
    badItems: verdict.badItems,
    largeItemsSkipped: verdict.largeItemsSkipped,
    durationSeconds: verdict.durationMs === undefined ? "" : (verdict.durationMs / 1000).toFixed(1),
    missing: verdict.missing,
    duplicated: verdict.duplicated,
    verified: verdict.passed ? "yes" : "no",
    problem: verdict.problem ?? "",
  }));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, stringify(rows, { header: true }));
}

/** Renders rows as an aligned plain-text table. */
export function formatTable(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => (row[column] ?? "").length)));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join("  ");
  return [
    line(cells[0] ?? []),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...cells.slice(1).map(line),
  ].join("\n");
}
