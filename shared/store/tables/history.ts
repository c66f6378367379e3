/**
 * An account's recent audit records live in its own row (the `history` property), so a status
 * change and its record are one write of one row. Older records spill into audit rows of the
 * account's partition in the same transaction; the table then holds about two rows per account
 * instead of one per status change, which keeps partition reads and queries cheap.
 */
import { z } from "zod";
import { ACCOUNT_STATUSES, type AuditRecord } from "../../domain/index.js";
import { StoreUnavailableError } from "../errors.js";

/** Records kept in the account row; older ones spill into audit rows. */
export const HISTORY_KEPT = 16;
/** Characters of history kept in the row: Table Storage allows 32K characters in a string property. */
export const HISTORY_MAX_CHARS = 24_000;
/** Longest reason or error message kept, as in an audit row. */
const TEXT_CAP = 4_000;

const embeddedRecord = z.object({
  seq: z.number().int().positive(),
  at: z.string(),
  from: z.enum(ACCOUNT_STATUSES),
  to: z.enum(ACCOUNT_STATUSES),
  reason: z.string(),
  attempt: z.number().int().nonnegative(),
  actor: z.string(),
  error: z.object({ class: z.string(), code: z.string(), message: z.string() }).optional(),
});
const embeddedHistory = z.array(embeddedRecord);

type Embedded = z.infer<typeof embeddedRecord>;

function embed(record: AuditRecord): Embedded {
  return {
    seq: record.seq,
    at: record.at,
    from: record.from,
    to: record.to,
    reason: record.reason.slice(0, TEXT_CAP),
    attempt: record.attempt,
    actor: record.actor,
    ...(record.error ? { error: { ...record.error, message: record.error.message.slice(0, TEXT_CAP) } } : {}),
  };
}

/**
 * The `history` property as stored: "" when the row keeps no records. Writes that do not add a
 * record carry it over as it is, so an account whose history cannot be read still moves.
 */
export function storedHistory(row: Record<string, unknown>): string {
  const stored = row.history;
  if (stored === undefined || stored === null) return "";
  return typeof stored === "string" ? stored : JSON.stringify(stored);
}

/** The `history` property to write for stored text (none when it is empty). */
export function historyEntity(text: string): Record<string, unknown> {
  return text === "" ? {} : { history: text };
}

/** The records kept in an account row, oldest first, from its stored text. */
export function parseHistory(text: string, accountId: string): AuditRecord[] {
  if (text === "") return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const checked = embeddedHistory.safeParse(parsed);
  if (!checked.success) {
    throw new StoreUnavailableError(`the row of account ${accountId} has a malformed history`);
  }
  return checked.data.map(({ error, ...record }) => ({
    accountId,
    ...record,
    ...(error === undefined ? {} : { error }),
  }));
}

/**
 * Adds a record to an account's kept history: the text the row keeps afterwards, and the oldest
 * records that no longer fit there and go to audit rows. A record too large for the row on its
 * own goes to an audit row too (the size counts JSON's escaping).
 */
export function appendRecord(
  kept: readonly AuditRecord[],
  record: AuditRecord,
): { text: string; spilled: AuditRecord[] } {
  const all = [...kept, record];
  const next = all.map(embed);
  let text = JSON.stringify(next);
  let moved = 0;
  while (next.length > 0 && (next.length > HISTORY_KEPT || text.length > HISTORY_MAX_CHARS)) {
    next.shift();
    moved += 1;
    text = JSON.stringify(next);
  }
  return { text: next.length === 0 ? "" : text, spilled: all.slice(0, moved) };
}
