/**
 * The failure classes `mailferry retry --class` accepts: the copy engine's, the hybrid engine's,
 * and the failure types Exchange's Mailbox Replication Service reports for a hybrid move (named
 * `...TransientException` or `...PermanentException`).
 */
import { HYBRID_FAILURES } from "../../shared/mover/hybrid/failures.js";
import { FAILURE_HINTS } from "../../shared/graph/errors.js";

/** Every named failure class, sorted. */
export const KNOWN_FAILURE_CLASSES: readonly string[] = [
  ...new Set([...Object.keys(FAILURE_HINTS), ...Object.keys(HYBRID_FAILURES)]),
].sort();

const MRS_FAILURE_TYPE = /^[A-Za-z][A-Za-z0-9]*(Transient|Permanent)Exception$/;

/** The class as recorded (a known one in its own spelling), or undefined when it is not one. */
export function knownFailureClass(value: string): string | undefined {
  const trimmed = value.trim();
  const named = KNOWN_FAILURE_CLASSES.find((known) => known.toLowerCase() === trimmed.toLowerCase());
  if (named !== undefined) return named;
  return MRS_FAILURE_TYPE.test(trimmed) ? trimmed : undefined;
}

/** The error message for an unknown class, listing the known ones. */
export function unknownFailureClassMessage(value: string): string {
  return `"${value}" is not a failure class; known classes: ${KNOWN_FAILURE_CLASSES.join(", ")}, or a hybrid move's failure type ending in TransientException or PermanentException (see mailferry failures)`;
}
