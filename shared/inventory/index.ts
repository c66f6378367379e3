/** Getting accounts in: the CSV inventory import. */
export { COLUMNS, REQUIRED_COLUMNS, type Column } from "./columns.js";
export { CsvSyntaxError, InventoryReadError } from "./errors.js";
export { importInventory, type ImportOptions, type ImportProgress, type ImportSummary } from "./import.js";
export { formatProblem, type RowProblem } from "./problems.js";
