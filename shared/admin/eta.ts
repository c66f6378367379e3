/**
 * When a wave should be done, projected the way the scheduler will work: accounts are copied at
 * the measured copy pace, and cut over only inside window occurrences, each up to its capacity
 * (or at once after an operator's "complete now"). Failures do not enter the projection: a wave
 * whose first accounts to end are failures is not thereby a slow wave.
 */
import { nextWindow, type WindowOccurrence, type WindowSchedule } from "../domain/index.js";

const HOUR_MS = 3_600_000;
/** Window occurrences walked before the projection gives up (capacity too small to say). */
const MAX_OCCURRENCES = 2_000;

export interface EtaInput {
  readonly schedule: WindowSchedule;
  readonly now: Date;
  /** Accounts whose copy has not finished yet (Pending, Queued, Syncing). */
  readonly toCopy: number;
  /** Accounts that finished their copy per hour, measured; 0 when nothing finished lately. */
  readonly copiedPerHour: number;
  /** Synced accounts the open window may still cut over. */
  readonly readyNow: number;
  /** Synced accounts that wait for a later window (they finished copying after this one opened). */
  readonly readyNext: number;
  /** Accounts being cut over right now. */
  readonly completing: number;
  /** The open window occurrence and its cutovers left, if one is open. */
  readonly open?: { readonly occurrence: WindowOccurrence; readonly capacityLeft: number };
  /** An operator asked to cut every synced account over now. */
  readonly completeNow: boolean;
  /** The wave cuts over accounts that finished copying inside the window too. */
  readonly cutoverUnsynced: boolean;
}

export interface EtaProjection {
  /**
   * When the last remaining accounts may start their cutover (a short final pass follows): the
   * start of the window occurrence that takes them, or later when their copies finish inside it;
   * null when that cannot be said.
   */
  readonly wave: string | null;
  /** Why there is no ETA, in words, when `wave` is null. */
  readonly why?: string;
  /** The window occurrence whose cutovers end the wave, when windows end it. */
  readonly lastWindow?: { readonly start: string; readonly end: string };
  /** When the copies still to do should be finished at the measured pace; null without pace. */
  readonly copiesDone: string | null;
  /** Whether the open window has copied accounts for all of its cutovers left; null when none is open. */
  readonly openWindowFilled: boolean | null;
}

/** Projects when a wave is done from its schedule, capacities and measured copy pace. */
export function projectEta(input: EtaInput): EtaProjection {
  const { now } = input;
  const nowMs = now.getTime();
  const copyMs =
    input.toCopy === 0 ? 0 : input.copiedPerHour > 0 ? (input.toCopy / input.copiedPerHour) * HOUR_MS : null;
  const copiesDone = copyMs === null ? null : new Date(nowMs + copyMs).toISOString();
  /** When `accounts` of the copies still to do should be finished. */
  const copiedAt = (accounts: number): number =>
    accounts <= 0 || copyMs === null || input.toCopy === 0
      ? nowMs
      : nowMs + (copyMs * Math.min(accounts, input.toCopy)) / input.toCopy;
  const copiedBy = (at: number): number => {
    if (input.toCopy === 0) return 0;
    if (copyMs === null) return 0;
    if (copyMs === 0 || at >= nowMs + copyMs) return input.toCopy;
    return Math.floor((input.toCopy * Math.max(0, at - nowMs)) / copyMs);
  };
  const openWindowFilled =
    input.open === undefined
      ? null
      : input.readyNow + (input.cutoverUnsynced ? copiedBy(input.open.occurrence.end.getTime()) : 0) >=
        Math.min(input.open.capacityLeft, input.readyNow + input.readyNext + input.toCopy);
  const total = input.readyNow + input.readyNext + input.toCopy;
  if (total === 0) {
    return {
      wave: input.completing === 0 ? now.toISOString() : null,
      ...(input.completing === 0 ? {} : { why: "the last cutovers are running" }),
      copiesDone,
      openWindowFilled,
    };
  }
  if (input.completeNow) {
    return copiesDone === null
      ? { wave: null, why: "no account finished copying in the last hour", copiesDone, openWindowFilled }
      : { wave: copiesDone, copiesDone, openWindowFilled };
  }
  if (input.toCopy > 0 && copiesDone === null) {
    return { wave: null, why: "no account finished copying in the last hour", copiesDone, openWindowFilled };
  }
  let cut = 0;
  // Accounts copied before an occurrence opens may be cut over in it; the wave's own setting also
  // allows those copied while it is open.
  let occurrence: WindowOccurrence | undefined;
  if (input.open !== undefined) {
    occurrence = input.open.occurrence;
    const eligible =
      input.readyNow + (input.cutoverUnsynced ? input.readyNext + copiedBy(occurrence.end.getTime()) : 0);
    cut += Math.min(eligible, input.open.capacityLeft);
    if (cut >= total) {
      const lastCopied = copiedAt(total - input.readyNow - input.readyNext);
      return done(occurrence, Math.max(nowMs, lastCopied), copiesDone, openWindowFilled);
    }
    occurrence = nextWindow(input.schedule, occurrence.end);
  } else {
    occurrence = nextWindow(input.schedule, now);
  }
  for (let walked = 0; occurrence !== undefined && walked < MAX_OCCURRENCES; walked++) {
    const cutoff = input.cutoverUnsynced ? occurrence.end.getTime() : occurrence.start.getTime();
    const eligible = input.readyNow + input.readyNext + copiedBy(cutoff) - cut;
    cut += Math.max(0, Math.min(eligible, occurrence.window.capacity));
    if (cut >= total) {
      const lastCopied = copiedAt(total - input.readyNow - input.readyNext);
      return done(
        occurrence,
        Math.max(nowMs, occurrence.start.getTime(), lastCopied),
        copiesDone,
        openWindowFilled,
      );
    }
    occurrence = nextWindow(input.schedule, occurrence.end);
  }
  return {
    wave: null,
    why:
      input.schedule.windows.length === 0
        ? "the wave has no cutover window: `mailferry wave complete` cuts its synced accounts over"
        : "the windows' capacity does not reach the remaining accounts within the projection",
    copiesDone,
    openWindowFilled,
  };
}

function done(
  occurrence: WindowOccurrence,
  lastCutoverMs: number,
  copiesDone: string | null,
  openWindowFilled: boolean | null,
): EtaProjection {
  return {
    wave: new Date(Math.min(lastCutoverMs, occurrence.end.getTime())).toISOString(),
    lastWindow: { start: occurrence.start.toISOString(), end: occurrence.end.toISOString() },
    copiesDone,
    openWindowFilled,
  };
}
