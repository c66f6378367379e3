import type { TableClient, TransactionAction } from "@azure/data-tables";
import { MailferryError } from "../../errors.js";
import { StoreUnavailableError } from "../errors.js";
import { statusOf } from "../retry.js";

/**
 * Submits one entity-group transaction and returns the new ETag of each action's entity (none
 * for deletes), in action order.
 */
export async function submitBatch(
  table: TableClient,
  actions: TransactionAction[],
): Promise<(string | undefined)[]> {
  const response = await table.submitTransaction(actions);
  return actions.map((_, index) => response.subResponses[index]?.etag);
}

function messageOf(error: unknown): string {
  if (!(error instanceof Error)) return "";
  const details: unknown = "details" in error ? error.details : undefined;
  if (typeof details === "object" && details !== null && "odataError" in details) {
    const odata: unknown = details.odataError;
    if (typeof odata === "object" && odata !== null && "message" in odata) {
      const message: unknown = odata.message;
      if (
        typeof message === "object" &&
        message !== null &&
        "value" in message &&
        typeof message.value === "string"
      ) {
        return message.value;
      }
    }
  }
  return error.message;
}

/**
 * Which action of a failed transaction the service refused: its error message starts with the
 * action's index and a colon.
 */
export function failedAction(error: unknown): number | undefined {
  const match = /^(\d+):/.exec(messageOf(error));
  return match === null ? undefined : Number(match[1]);
}

/** Whether the service refused a write because of an ETag (412) or an existing/missing row (409/404). */
export function isRowConflict(error: unknown): boolean {
  const status = statusOf(error);
  return status === 409 || status === 412 || status === 404;
}

/** Keeps mailferry's own errors; wraps anything else so callers see one error family. */
export function storageFailure(what: string, error: unknown): Error {
  if (error instanceof MailferryError) return error;
  const statusCode = statusOf(error);
  return new StoreUnavailableError(
    `${what} failed${statusCode === undefined ? "" : ` (HTTP ${statusCode})`}`,
    {
      cause: error,
      ...(statusCode === undefined ? {} : { statusCode }),
    },
  );
}
