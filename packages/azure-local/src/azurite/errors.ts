import { AzureLocalError } from "../errors.js";

/** Azurite could not be started, or stopped before it said it was listening. */
export class AzuriteStartError extends AzureLocalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AzuriteStartError";
  }
}
