import { GraphError } from "@microsoft/microsoft-graph-client";
import {
  ImportRedirectError,
  ImportSessionExpiredError,
  ItemRejectedError,
  PermanentTransferError,
  ThrottledError,
  TransientTransferError,
} from "./errors.js";

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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : "";
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
 * An expired delta link. concepts/delta-query-overview.md gives two readings: "Synchronization
 * reset" answers 410 Gone (with a Location to start again), and "Token duration" a 40X with a
 * code such as `syncStateNotFound`. Both are taken.
 */
export function isExpiredDelta(error: unknown): boolean {
  const status = statusOf(error);
  if (status === 410) return true;
  return status >= 400 && status < 500 && /syncstatenotfound/i.test(`${codeOf(error)} ${messageOf(error)}`);
}

/** A mailbox over its quota: 403 ErrorQuotaExceeded (api-reference/v1.0/api/mailfolder-delta.md). */
function isQuotaExceeded(code: string, message: string): boolean {
  return /quotaexceeded/i.test(`${code} ${message}`);
}

/**
 * A refusal by Exchange's own authorisation of the app for this mailbox: RBAC for Applications
 * (a management scope that leaves the mailbox out) or an application access policy. Both answer
 * 403 ErrorAccessDenied, as a missing permission does; the policy's refusal names itself
 * ("Blocked by tenant configured AppOnly AccessPolicy settings"), and a scope refusal its scope.
 */
function isScopeRefusal(code: string, message: string): boolean {
  return /accessdenied/i.test(code) && /scope|accesspolicy|raop/i.test(message);
}

/**
 * Maps a failed Graph call onto the engine's vocabulary: 429 is throttling, 5xx and network
 * failures are transient, a full mailbox and a mailbox outside the app's scope are permanent for
 * the account (TargetMailboxFull, OutsideApplicationScope), other 4xx reject the one thing asked
 * for. Other 401 and 403 are transient for the account: they mean the app's credentials or
 * permissions are wrong, which an operator fixes once and then replays, rather than failing every
 * account of a wave.
 */
export function classifyGraphError(error: unknown, what: string, now = Date.now()): Error {
  const status = statusOf(error);
  const code = codeOf(error);
  const message = messageOf(error);
  if (status === 429) {
    const headers = error instanceof GraphError ? error.headers : undefined;
    return new ThrottledError(retryAtFrom(headers, now), { cause: error });
  }
  if (status === 403 && isQuotaExceeded(code, message)) {
    return new PermanentTransferError(
      "TargetMailboxFull",
      `${what} failed: the mailbox is over its quota (${code})`,
      code,
      { cause: error },
    );
  }
  if (status === 403 && isScopeRefusal(code, message)) {
    return new PermanentTransferError(
      "OutsideApplicationScope",
      `${what} failed: the mailbox is outside the app's Exchange management scope (${code})`,
      code,
      { cause: error },
    );
  }
  if (status === 0 || status >= 500 || status === 401 || status === 403 || status === 408) {
    return new TransientTransferError(`${what} failed with ${status || "a network error"}`, status, {
      cause: error,
    });
  }
  return new ItemRejectedError(code, `${what} failed with ${status} ${code}`, { cause: error });
}

/**
 * A refused delete of a copy: the page (api-reference/v1.0/api/mailboxfolder-delete-items.md)
 * says a protected item (legal hold, retention, compliance) is not deleted and the request fails
 * with 403. That stays so for the mailbox until the hold is lifted: ItemOnHold.
 */
export function classifyDeleteError(error: unknown, what: string, now = Date.now()): Error {
  const classified = classifyGraphError(error, what, now);
  if (
    statusOf(error) === 403 &&
    classified instanceof TransientTransferError &&
    !/accessdenied/i.test(codeOf(error))
  ) {
    return new PermanentTransferError(
      "ItemOnHold",
      `${what} failed: the target keeps the item under a hold (${codeOf(error)})`,
      codeOf(error),
      { cause: error },
    );
  }
  return classified;
}

/** What an import URL's error body says, in Graph's shape or in its own (`{"Message": ...}`). */
function importCode(status: number, text: string): { code: string; message: string } {
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    body = undefined;
  }
  const record = (body ?? {}) as {
    error?: { code?: unknown; message?: unknown };
    Message?: unknown;
    message?: unknown;
    Code?: unknown;
  };
  const candidates = [record.error?.message, record.Message, record.message];
  const message = candidates.find((value): value is string => typeof value === "string") ?? text;
  const code =
    (typeof record.error?.code === "string" && record.error.code) ||
    (typeof record.Code === "string" && record.Code) ||
    /\b(Error[A-Z][A-Za-z]+)\b/.exec(message)?.[1] ||
    `Http${status}`;
  return { code, message };
}

/**
 * Classifies an import URL's failure. The URL is not Graph and answers in its own shape: the
 * archive redirect's `409 {"Message": "... expected in mailbox MBX:..."}` is the one documented
 * (concepts/handle-archive-mailbox-redirects.md). How an expired URL answers is not documented:
 * 401, 403, 404 and 410, and a 400 that speaks of the token or session, all count as expired,
 * and the engine opens a new session.
 */
export function classifyImportReply(
  reply: { status: number; text: string; headers: Headers },
  now: number,
): Error {
  const { status, text } = reply;
  const { code, message } = importCode(status, text);
  const cause = { statusCode: status, body: text };
  if (status === 429) return new ThrottledError(retryAtFrom(reply.headers, now), { cause });
  if (status >= 500 || status === 408) {
    return new TransientTransferError(`importing an item failed with ${status}`, status, { cause });
  }
  const redirect =
    status === 409 ? /expected in mailbox\s+(MBX:[^\s"']+?)\.?(?:["'\s]|$)/i.exec(message)?.[1] : undefined;
  if (redirect) return new ImportRedirectError(redirect, { cause });
  if (status === 403 && isQuotaExceeded(code, message)) {
    return new PermanentTransferError(
      "TargetMailboxFull",
      `importing an item failed: the mailbox is over its quota (${code})`,
      code,
      { cause },
    );
  }
  if (status === 403 && isScopeRefusal(code, message)) {
    return new PermanentTransferError(
      "OutsideApplicationScope",
      `importing an item failed: the mailbox is outside the app's Exchange management scope (${code})`,
      code,
      { cause },
    );
  }
  if (
    status === 401 ||
    status === 403 ||
    status === 410 ||
    (status === 404 && !/item|folder/i.test(code)) ||
    (status === 400 && /token|session|expire/i.test(message))
  ) {
    return new ImportSessionExpiredError({ cause });
  }
  return new ItemRejectedError(code, `importing an item failed with ${status} ${code}`, { cause });
}
