import { IllegalTransitionError } from "./errors.js";

/** Account statuses, in the vocabulary Exchange administrators know from migration batches. */
export const ACCOUNT_STATUSES = [
  "Pending",
  "Queued",
  "Syncing",
  "Synced",
  "Completing",
  "Completed",
  "CompletedWithWarnings",
  "Failed",
  "Stopped",
  "Skipped",
] as const;

export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

/**
 * The one table of allowed status changes. The main path is Pending → Queued → Syncing → Synced →
 * Completing → Completed | CompletedWithWarnings, with Synced → Syncing → Synced for every
 * incremental pass while a pre-staged account waits for its window; Failed, Stopped and Skipped
 * are off the path.
 * Queued → Queued (a re-send) and Syncing → Syncing (a new slice) are deliberately absent: they
 * change no status and are progress updates, not transitions.
 */
export const ACCOUNT_TRANSITIONS: Readonly<Record<AccountStatus, readonly AccountStatus[]>> = {
  Pending: ["Queued", "Skipped", "Stopped"],
  Queued: ["Syncing", "Failed", "Stopped"],
  Syncing: ["Synced", "Failed", "Stopped"],
  // Back to Syncing is an incremental pass that keeps a pre-staged account current.
  Synced: ["Syncing", "Completing", "Failed", "Stopped"],
  Completing: ["Completed", "CompletedWithWarnings", "Failed", "Stopped"],
  Completed: [],
  CompletedWithWarnings: [],
  // Back to Queued is a retry: the account gets a new attempt number.
  Failed: ["Queued", "Stopped", "Skipped"],
  Stopped: ["Queued", "Skipped"],
  // An excluded account can be included again.
  Skipped: ["Pending"],
};

/** Statuses in which a worker is busy with the account and keeps its lease across transitions. */
export const LEASED_STATUSES: ReadonlySet<AccountStatus> = new Set(["Syncing", "Completing"]);

/** Statuses an account never leaves. */
export const TERMINAL_STATUSES: ReadonlySet<AccountStatus> = new Set(["Completed", "CompletedWithWarnings"]);

/** Narrows a string to an account status. */
export function isAccountStatus(value: string): value is AccountStatus {
  return (ACCOUNT_STATUSES as readonly string[]).includes(value);
}

/** Whether the table allows `from` → `to`. */
export function canTransition(from: AccountStatus, to: AccountStatus): boolean {
  return ACCOUNT_TRANSITIONS[from].includes(to);
}

/** Whether `from` → `to` starts a new attempt (the first release, or a retry after Failed/Stopped). */
export function startsAttempt(from: AccountStatus, to: AccountStatus): boolean {
  return to === "Queued" && from !== "Queued";
}

/** Whether `from` → `to` starts a new pass over a synced mailbox (incremental, or the cutover's final one). */
export function startsPass(from: AccountStatus, to: AccountStatus): boolean {
  return from === "Synced" && (to === "Syncing" || to === "Completing");
}

/** Throws IllegalTransitionError unless the table allows `from` → `to`. */
export function assertTransition(accountId: string, from: AccountStatus, to: AccountStatus): void {
  if (canTransition(from, to)) return;
  const hint =
    from === to
      ? "not a status change: record a new slice or a re-send as a progress update"
      : TERMINAL_STATUSES.has(from)
        ? `${from} is final`
        : `allowed from ${from}: ${ACCOUNT_TRANSITIONS[from].join(", ") || "nothing"}`;
  throw new IllegalTransitionError("account", accountId, from, to, hint);
}

/** Statuses an account does not leave without an operator: a wave whose accounts all have one is done. */
export const SETTLED_STATUSES: readonly AccountStatus[] = [
  "Completed",
  "CompletedWithWarnings",
  "Failed",
  "Stopped",
  "Skipped",
];
