import { MailferryError } from "../../../../shared/errors.js";

/** The Bicep reader met text it does not understand (or a construct the templates do not use). */
export class BicepSyntaxError extends MailferryError {
  readonly line: number;
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = "BicepSyntaxError";
    this.line = line;
  }
}
