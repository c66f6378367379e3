/**
 * The archive age policy the inspection can apply: source primary items received before a cutoff,
 * a number of calendar months before "now", are expected in the target's in-place archive.
 */
import { calendarMonthsBefore } from "./calendar.js";
import { SimulatorInputError } from "./errors.js";

/** An age policy with its cutoff resolved. */
export interface ArchivePolicy {
  readonly months: number;
  /** Items received strictly before this instant (epoch ms) belong in the archive. */
  readonly cutoffMs: number;
}

/** Validates the policy options and resolves the cutoff; undefined when no policy is asked for. */
export function resolveArchivePolicy(options: {
  includeArchive?: boolean;
  archiveAgeMonths?: number;
  now?: number | Date;
}): ArchivePolicy | undefined {
  const months = options.archiveAgeMonths;
  if (months === undefined) return undefined;
  if (!Number.isInteger(months) || months < 0) {
    throw new SimulatorInputError("archiveAgeMonths must be an integer >= 0");
  }
  // The policy moves items into the archive; without comparing archives it could only mislead.
  if (options.includeArchive !== true) {
    throw new SimulatorInputError("archiveAgeMonths needs includeArchive");
  }
  const nowMs = options.now === undefined ? Date.now() : new Date(options.now).getTime();
  if (!Number.isFinite(nowMs)) throw new SimulatorInputError("now must be a valid time");
  return { months, cutoffMs: calendarMonthsBefore(nowMs, months) };
}
