import { AzureLocalError } from "../errors.js";

/** Something went wrong inside the Graph tenant simulator itself. */
export class GraphSimulatorError extends AzureLocalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "GraphSimulatorError";
  }
}

/** A simulator option or a test helper argument (UPN, folder path, item id) is not acceptable. */
export class SimulatorInputError extends AzureLocalError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SimulatorInputError";
  }
}

/**
 * A Graph-shaped failure raised while handling a request; the server turns it into Graph's error
 * body (`{"error":{"code","message","innerError"}}`) with this status and these headers.
 */
export class GraphApiError extends AzureLocalError {
  readonly status: number;
  readonly code: string;
  readonly headers: Readonly<Record<string, string>>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = "GraphApiError";
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}
