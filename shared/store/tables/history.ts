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

/** The `history` property for these records (none when there are none). */
export function historyEntity(records: readonly AuditRecord[]): Record<string, unknown> {
  return records.length === 0 ? {} : { history: JSON.stringify(records.map(embed)) };
}

/** The records kept in an account row, oldest first. */
export function historyFrom(row: Record<string, unknown>, accountId: string): AuditRecord[] {
  const stored = row.history;
  if (stored === undefined || stored === null) return [];
  let parsed: unknown;
  try {
    parsed = typeof stored === "string" ? JSON.parse(stored) : undefined;
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
 * Adds a record to an account's kept history: what the row keeps afterwards, and the oldest
 * records that no longer fit there and go to audit rows.
 */
export function appendRecord(
  kept: readonly AuditRecord[],
  record: AuditRecord,
): { kept: AuditRecord[]; spilled: AuditRecord[] } {
  const next = [...kept, record];
  const spilled: AuditRecord[] = [];
  const size = (): number => JSON.stringify(next.map(embed)).length;
  while (next.length > 1 && (next.length > HISTORY_KEPT || size() > HISTORY_MAX_CHARS)) {
    const oldest = next.shift();
    if (oldest) spilled.push(oldest);
  }
  return { kept: next, spilled };
}
