import type { RuleState } from "./machine.js";

/**
 * Where rule states are kept between evaluations. Writes are conditional: a state read with an
 * etag is written only if nobody wrote it since (else AlertStateConflictError), and a state without
 * one only if none exists yet.
 */
export interface AlertStateStore {
  /** Every stored state. */
  list(): Promise<RuleState[]>;
  /** Stores `state`; returns it with its new etag. */
  put(state: RuleState): Promise<RuleState>;
}
