import { MailferryError } from "../../shared/errors.js";

/** Azurite could not be started, or stopped before it said it was listening. */
export class AzuriteStartError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AzuriteStartError";
  }
}
