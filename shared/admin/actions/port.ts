/**
 * The operator-actions log: one record per change an operator makes through the admin API or
 * the CLI (who, when, what, with which filter, how many). A record is written when the change
 * starts and rewritten when it ends, so a change cut short still leaves a trace.
 */

export const OPERATOR_ACTION_KINDS = [
  "retry",
  "deadletter.replay",
  "deadletter.purge",
  "wave.pause",
  "wave.resume",
  "wave.cancel",
  "wave.complete",
  "account.complete",
  "account.approve",
  "wave.approve",
  "endpoint.create",
] as const;

export type OperatorActionKind = (typeof OPERATOR_ACTION_KINDS)[number];

/** `started` until the change ends; `stopped` when it was interrupted part-way. */
export type OperatorActionOutcome = "started" | "completed" | "stopped" | "failed";

export interface OperatorAction {
  readonly id: string;
  /** When the change started (ISO). */
  readonly at: string;
  /** The signed-in operator (HTTP) or the local user (CLI). */
  readonly actor: string;
  readonly via: "http" | "cli";
  readonly action: OperatorActionKind;
  /** What the change applied to, e.g. `wave w1` or `queue moves`. */
  readonly target: string;
  /** The selection the operator gave, as sent. */
  readonly filter: Readonly<Record<string, unknown>>;
  /** How many accounts or messages were changed. */
  readonly count: number;
  readonly outcome: OperatorActionOutcome;
  readonly detail?: string;
  readonly finishedAt?: string;
}

export interface OperatorActionLog {
  /** Writes the record, replacing an earlier version with the same id and `at`. */
  put(action: OperatorAction): Promise<void>;
  /** The most recent records, newest first. */
  list(limit: number): Promise<OperatorAction[]>;
}
