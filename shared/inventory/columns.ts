import type { RowProblem } from "./problems.js";

/** The columns an inventory may have; names match case-insensitively. */
export const COLUMNS = [
  "sourceUpn",
  "targetUpn",
  "wave",
  "priority",
  "sourceObjectId",
  "targetObjectId",
  "sourceTenantId",
  "targetTenantId",
  "exchangeGuid",
  "archiveGuid",
] as const;

export type Column = (typeof COLUMNS)[number];

export const REQUIRED_COLUMNS: readonly Column[] = ["sourceUpn", "targetUpn"];

/** Where each known column sits in a record, and how many fields a record must have. */
export interface Header {
  readonly width: number;
  readonly index: Readonly<Partial<Record<Column, number>>>;
}

const BY_LOWER = new Map<string, Column>(COLUMNS.map((column) => [column.toLowerCase(), column]));

/** Reads the header record, or lists everything wrong with it (the file is then not read further). */
export function readHeader(fields: readonly string[], line: number): Header | RowProblem[] {
  const problems: RowProblem[] = [];
  const index: Partial<Record<Column, number>> = {};
  fields.forEach((raw, position) => {
    const name = raw.trim();
    if (name === "") {
      problems.push({ line, message: `header field ${position + 1} is empty` });
      return;
    }
    const column = BY_LOWER.get(name.toLowerCase());
    if (column === undefined) {
      const hint = /[;\t]/.test(name)
        ? " (the file must be comma-separated)"
        : ` (known columns: ${COLUMNS.join(", ")})`;
      problems.push({ line, column: name, message: `unknown column${hint}` });
      return;
    }
    if (index[column] !== undefined) {
      problems.push({ line, column, message: "column appears twice in the header" });
      return;
    }
    index[column] = position;
  });
  for (const column of REQUIRED_COLUMNS) {
    if (index[column] === undefined)
      problems.push({ line, column, message: "required column is missing from the header" });
  }
  return problems.length > 0 ? problems : { width: fields.length, index };
}
