import { MailferryError } from "../errors.js";

/** The inventory could not be read at all (I/O failure, not a bad row). */
export class InventoryReadError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InventoryReadError";
  }
}

/** The file cannot be split into records from `line` on (an unclosed quote, an endless record). */
export class CsvSyntaxError extends MailferryError {
  readonly line: number;
  constructor(line: number, message: string, options?: { cause?: unknown }) {
    super(`line ${line}: ${message}`, options);
    this.name = "CsvSyntaxError";
    this.line = line;
  }
}
