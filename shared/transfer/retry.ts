import pRetry from "p-retry";
import { TransientTransferError } from "./errors.js";

/** Only transient failures are worth retrying in place; throttling ends the slice instead. */
export function isTransient(error: unknown): boolean {
  return error instanceof TransientTransferError;
}

/**
 * Retries a Graph call a few times with exponential backoff when it fails transiently, as long
 * as the slice has time left; anything else is thrown at once.
 */
export function withTransientRetry<T>(call: () => Promise<T>, deadline: number, retries = 4): Promise<T> {
  return pRetry(call, {
    retries,
    minTimeout: 100,
    maxTimeout: 2_000,
    factor: 2,
    randomize: true,
    shouldRetry: (error) => isTransient(error) && Date.now() < deadline,
  });
}
