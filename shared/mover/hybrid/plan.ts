/**
 * Capacity planning for hybrid waves: each released account gets the earliest evening (window
 * occurrence) that still has capacity, and goes into a migration batch of that evening whose
 * CompleteAfter is the evening's start, so Exchange itself completes no more accounts in an
 * evening than the window allows, even while mailferry is down. Accounts beyond the planning
 * horizon wait in a batch whose CompleteAfter is far ahead until an evening has room. Pure.
 */
import { nextWindow, openWindow, type WaveRecord, type WindowOccurrence } from "../../domain/index.js";

/** Users per migration batch: listings stay a page long, and finished batches drop out of watching. */
export const BATCH_SIZE = 1000;
/** How far ahead evenings are planned. */
export const PLANNING_HORIZON_MS = 8 * 7 * 24 * 3_600_000;
/** The CompleteAfter of accounts no evening has room for yet. */
export const FAR_AHEAD_MS = 365 * 24 * 3_600_000;
/** The ledger key of accounts waiting for an evening. */
export const UNSCHEDULED = "unscheduled";

/** One evening's room as the ledger holds it. */
export interface EveningRoom {
  readonly occurrence: WindowOccurrence;
  /** Accounts already planned into it. */
  readonly planned: number;
}

/** A group of released accounts going into one batch. */
export interface PlannedGroup {
  /** Window occurrence start (ISO), or undefined for the far-ahead batch. */
  readonly evening?: string;
  readonly batch: string;
  /** How many accounts of the release go here. */
  readonly count: number;
}

function stamp(at: Date): string {
  // Lower case: Exchange may give batch names back in another case than they were made in.
  return at.toISOString().slice(0, 16).replace(/[-:]/g, "").toLowerCase();
}

/** The batch of the `ordinal`-th account planned into an evening (0-based). */
export function batchName(waveId: string, evening: string | undefined, ordinal: number): string {
  if (evening === undefined) return `mf-${waveId}-later`;
  return `mf-${waveId}-${stamp(new Date(evening))}-${String(Math.floor(ordinal / BATCH_SIZE)).padStart(3, "0")}`;
}

/** Whether a batch name is one of this wave's. */
export function isWaveBatch(waveId: string, batch: string): boolean {
  return batch.toLowerCase().startsWith(`mf-${waveId}-`);
}

/**
 * The evenings a newly released account may complete in, earliest first: the open one only when
 * the wave cuts over accounts that synced after their window opened, then the next ones within
 * the horizon, none before an operator's "complete after".
 */
export function candidateEvenings(
  wave: Pick<WaveRecord, "timeZone" | "windows" | "cutoverUnsynced" | "completeAfter">,
  now: Date,
): WindowOccurrence[] {
  const out: WindowOccurrence[] = [];
  const notBefore = wave.completeAfter === undefined ? 0 : Date.parse(wave.completeAfter);
  const open = openWindow(wave, now);
  if (open !== undefined && wave.cutoverUnsynced && open.end.getTime() > notBefore) out.push(open);
  let cursor = now;
  for (let i = 0; i < 200; i++) {
    const next = nextWindow(wave, cursor);
    if (next === undefined || next.start.getTime() - now.getTime() > PLANNING_HORIZON_MS) break;
    if (next.end.getTime() > notBefore) out.push(next);
    cursor = next.start;
  }
  return out;
}

/** Spreads `count` releases over the evenings' remaining capacity, earliest first. */
export function planReleases(
  waveId: string,
  rooms: readonly EveningRoom[],
  count: number,
  unscheduledPlanned: number,
): PlannedGroup[] {
  const groups: PlannedGroup[] = [];
  let left = count;
  for (const room of rooms) {
    let planned = room.planned;
    let free = room.occurrence.window.capacity - planned;
    const evening = room.occurrence.start.toISOString();
    while (left > 0 && free > 0) {
      // Up to the end of the batch the next account falls into.
      const inBatch = Math.min(left, free, BATCH_SIZE - (planned % BATCH_SIZE));
      groups.push({ evening, batch: batchName(waveId, evening, planned), count: inBatch });
      planned += inBatch;
      free -= inBatch;
      left -= inBatch;
    }
    if (left === 0) break;
  }
  if (left > 0) groups.push({ batch: batchName(waveId, undefined, unscheduledPlanned), count: left });
  return groups;
}

/** The CompleteAfter a plan gives: the evening's start, or far ahead. */
export function completeAfterOf(evening: string | undefined, now: Date): Date {
  return evening === undefined ? new Date(now.getTime() + FAR_AHEAD_MS) : new Date(evening);
}

/** The evening a batch was made for, from its name; undefined for the far-ahead batch. */
export function eveningOfBatch(batch: string): Date | undefined {
  const match = /-(\d{4})(\d{2})(\d{2})t(\d{2})(\d{2})-\d{3}$/i.exec(batch);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute] = match;
  return new Date(`${year ?? ""}-${month ?? ""}-${day ?? ""}T${hour ?? ""}:${minute ?? ""}:00.000Z`);
}
