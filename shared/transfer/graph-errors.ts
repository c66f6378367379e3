import { GraphError } from "@microsoft/microsoft-graph-client";
import { ItemRejectedError, ThrottledError, TransientTransferError } from "./errors.js";

/** HTTP status of a failed Graph call; 0 for network failures that never got a response. */
export function statusOf(error: unknown): number {
  if (error instanceof GraphError) return error.statusCode > 0 ? error.statusCode : 0;
  if (
    error !== null &&
    typeof error === "object" &&
    "statusCode" in error &&
    typeof error.statusCode === "number"
  ) {
    return error.statusCode;
  }
  return 0;
}

/** Graph's error code (`error.code` in the body), when there is one. */
export function codeOf(error: unknown): string {
  if (error instanceof GraphError && error.code) return error.code;
  return "Unknown";
}

/** Reads Retry-After (seconds or an HTTP date) into an instant; falls back to `fallbackMs`. */
export function retryAtFrom(headers: Headers | undefined, now: number, fallbackMs = 5_000): Date {
  const value = headers?.get("retry-after");
  if (value) {
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return new Date(now + Math.max(0, seconds) * 1000);
    const date = Date.parse(value);
    if (!Number.isNaN(date)) return new Date(Math.max(now, date));
  }
  return new Date(now + fallbackMs);
}

/**
 * Maps a failed Graph call onto the engine's vocabulary: 429 is throttling, 5xx and network
 * failures are transient, other 4xx reject the one thing asked for. 401 and 403 are transient
 * for the account: they mean the app's credentials or permissions are wrong, which an operator
 * fixes once and then replays, rather than failing every account of a wave.
 */
export function classifyGraphError(error: unknown, what: string, now = Date.now()): Error {
  const status = statusOf(error);
  if (status === 429) {
    const headers = error instanceof GraphError ? error.headers : undefined;
    return new ThrottledError(retryAtFrom(headers, now), { cause: error });
  }
  if (status === 0 || status >= 500 || status === 401 || status === 403 || status === 408) {
    return new TransientTransferError(`${what} failed with ${status || "a network error"}`, status, {
      cause: error,
    });
  }
  return new ItemRejectedError(codeOf(error), `${what} failed with ${status} ${codeOf(error)}`, {
    cause: error,
  });
}
