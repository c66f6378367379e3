/** One reason a row (or the file) was rejected, located for the operator. */
export interface RowProblem {
  /** 1-based line where the record starts. */
  readonly line: number;
  /** Header name of the offending column, when one column is to blame. */
  readonly column?: string;
  readonly message: string;
}

/** Renders a problem as `line 12, column sourceUpn: ...`. */
export function formatProblem(problem: RowProblem): string {
  return `line ${problem.line}${problem.column === undefined ? "" : `, column ${problem.column}`}: ${problem.message}`;
}
