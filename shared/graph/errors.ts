import { MailferryError } from "../errors.js";

/** A Graph connection cannot be used as given (no credential, or an unusable address). */
export class GraphConnectionError extends MailferryError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GraphConnectionError";
  }
}
