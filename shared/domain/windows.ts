/**
 * Cutover windows: recurring periods, in a wave's time zone, during which accounts may be
 * released. A window opens on each of its days at `start` and closes at the next `end`: a plain
 * `HH:MM` end at or before the start means the next day, `24:00` means midnight, and an end with a
 * weekday (`Mon 07:00`) lets a window span several days, such as a whole weekend. Time-zone and
 * daylight-saving arithmetic is croner's; gaps and repeated hours resolve as croner resolves them.
 */
import { Cron } from "croner";

export const WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** One recurring window and how many accounts each occurrence may release. */
export interface WaveWindow {
  readonly days: readonly Weekday[];
  /** `HH:MM`, local time. */
  readonly start: string;
  /** `HH:MM`, `24:00`, or `Ddd HH:MM`, local time. */
  readonly end: string;
  /** Accounts one occurrence of the window may release. */
  readonly capacity: number;
}

/** An occurrence of a window: which one, and the instants it opens and closes. */
export interface WindowOccurrence {
  readonly index: number;
  readonly window: WaveWindow;
  readonly start: Date;
  readonly end: Date;
}

/** What window arithmetic needs of a wave. */
export interface WindowSchedule {
  readonly timeZone: string;
  readonly windows: readonly WaveWindow[];
}

export const CLOCK_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;
export const END_PATTERN = /^(?:(?:(Mon|Tue|Wed|Thu|Fri|Sat|Sun) )?([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

const DAY_MINUTES = 24 * 60;
const WEEK_MINUTES = 7 * DAY_MINUTES;
const WEEK_MS = WEEK_MINUTES * 60_000;

interface ParsedEnd {
  readonly day?: Weekday;
  /** Minutes after midnight; 1440 for `24:00`. */
  readonly minutes: number;
}

function clockMinutes(text: string): number {
  const match = CLOCK_PATTERN.exec(text);
  if (match === null) throw new RangeError(`not a time of day: ${text}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

function parseEnd(text: string): ParsedEnd {
  if (text === "24:00") return { minutes: DAY_MINUTES };
  const match = END_PATTERN.exec(text);
  if (match === null) throw new RangeError(`not a window end: ${text}`);
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === undefined ? { minutes } : { day: match[1] as Weekday, minutes };
}

/** croner numbers days from Sunday = 0. */
function cronDay(day: Weekday): number {
  return (WEEKDAYS.indexOf(day) + 1) % 7;
}

function cronAt(minutes: number, days: string, timeZone: string): Cron {
  return new Cron(`${minutes % 60} ${Math.floor(minutes / 60) % 24} * * ${days}`, { timezone: timeZone });
}

function startCron(window: WaveWindow, timeZone: string): Cron {
  return cronAt(clockMinutes(window.start), window.days.map(cronDay).join(","), timeZone);
}

function endCron(window: WaveWindow, timeZone: string): Cron {
  const end = parseEnd(window.end);
  return cronAt(end.minutes, end.day === undefined ? "*" : String(cronDay(end.day)), timeZone);
}

/** The occurrence of `window` that started last at or before `now`, if any started in the past week. */
function latestOccurrence(
  window: WaveWindow,
  index: number,
  timeZone: string,
  now: Date,
): WindowOccurrence | undefined {
  const starts = startCron(window, timeZone);
  // A window lasts at most a week, so only starts in the last week (plus a day of slack) matter.
  let cursor: Date | null = starts.nextRun(new Date(now.getTime() - WEEK_MS - DAY_MINUTES * 60_000));
  let latest: Date | undefined;
  while (cursor !== null && cursor.getTime() <= now.getTime()) {
    latest = cursor;
    cursor = starts.nextRun(cursor);
  }
  if (latest === undefined) return undefined;
  const end = endCron(window, timeZone).nextRun(latest);
  return end === null ? undefined : { index, window, start: latest, end };
}

/**
 * The window open at `now` with its start and end instants, or undefined when none is open.
 * Windows of a valid wave never overlap; should daylight-saving shifts make two touch, the one
 * that opened first wins.
 */
export function openWindow(schedule: WindowSchedule, now: Date): WindowOccurrence | undefined {
  let open: WindowOccurrence | undefined;
  schedule.windows.forEach((window, index) => {
    const occurrence = latestOccurrence(window, index, schedule.timeZone, now);
    if (occurrence === undefined || now.getTime() >= occurrence.end.getTime()) return;
    if (open === undefined || occurrence.start.getTime() < open.start.getTime()) open = occurrence;
  });
  return open;
}

/** The next window to open strictly after `now`, or undefined for a wave without windows. */
export function nextWindow(schedule: WindowSchedule, now: Date): WindowOccurrence | undefined {
  let next: WindowOccurrence | undefined;
  schedule.windows.forEach((window, index) => {
    const start = startCron(window, schedule.timeZone).nextRun(now);
    if (start === null) return;
    const end = endCron(window, schedule.timeZone).nextRun(start);
    if (end === null) return;
    if (next === undefined || start.getTime() < next.start.getTime()) next = { index, window, start, end };
  });
  return next;
}

/** A window occurrence laid out on a wall-clock week, in minutes from Monday 00:00. */
interface WeekInterval {
  readonly index: number;
  readonly day: Weekday;
  readonly from: number;
  readonly to: number;
}

function weekIntervals(window: WaveWindow, index: number): WeekInterval[] {
  const start = clockMinutes(window.start);
  const end = parseEnd(window.end);
  return window.days.map((day) => {
    const from = WEEKDAYS.indexOf(day) * DAY_MINUTES + start;
    let to: number;
    if (end.day === undefined) {
      to = WEEKDAYS.indexOf(day) * DAY_MINUTES + end.minutes;
      if (end.minutes <= start) to += DAY_MINUTES;
    } else {
      to = WEEKDAYS.indexOf(end.day) * DAY_MINUTES + end.minutes;
      while (to <= from) to += WEEK_MINUTES;
    }
    return { index, day, from, to };
  });
}

function overlaps(a: WeekInterval, b: WeekInterval): boolean {
  // Occurrences repeat weekly, so compare b one week earlier and later too.
  return [-WEEK_MINUTES, 0, WEEK_MINUTES].some((shift) => a.from < b.to + shift && b.from + shift < a.to);
}

/**
 * Describes the first pair of window occurrences that overlap on a wall-clock week (ignoring
 * daylight-saving shifts), or undefined when none do. Windows must not overlap, or one release
 * could be counted against two capacities.
 */
export function findOverlap(windows: readonly WaveWindow[]): string | undefined {
  const intervals = windows.flatMap((window, index) => weekIntervals(window, index));
  for (let i = 0; i < intervals.length; i++) {
    for (let j = i + 1; j < intervals.length; j++) {
      const a = intervals[i];
      const b = intervals[j];
      if (a === undefined || b === undefined || !overlaps(a, b)) continue;
      const first = `windows[${a.index}] opening ${a.day}`;
      const second = `windows[${b.index}] opening ${b.day}`;
      return a.index === b.index
        ? `${first} overlaps its own occurrence opening ${b.day}`
        : `${first} overlaps ${second}`;
    }
  }
  return undefined;
}

/** Checks a window's fields (shape only) and returns a problem description or undefined. */
export function windowProblem(window: WaveWindow): string | undefined {
  if (!CLOCK_PATTERN.test(window.start)) return `start ${JSON.stringify(window.start)} must be HH:MM`;
  if (!END_PATTERN.test(window.end)) {
    return `end ${JSON.stringify(window.end)} must be HH:MM, 24:00, or a weekday and a time such as "Mon 07:00"`;
  }
  return undefined;
}

function formatDays(days: readonly Weekday[]): string {
  const indexes = [...new Set(days.map((day) => WEEKDAYS.indexOf(day)))].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < indexes.length; ) {
    let j = i;
    while (j + 1 < indexes.length && indexes[j + 1] === (indexes[j] ?? 0) + 1) j++;
    const from = WEEKDAYS[indexes[i] ?? 0];
    const to = WEEKDAYS[indexes[j] ?? 0];
    parts.push(
      j - i >= 2
        ? `${from}-${to}`
        : indexes
            .slice(i, j + 1)
            .map((d) => WEEKDAYS[d])
            .join(","),
    );
    i = j + 1;
  }
  return parts.join(",");
}

/** Renders a window as an operator writes it, e.g. `Mon-Thu 19:00-07:00 x22000`. */
export function formatWindow(window: WaveWindow): string {
  return `${formatDays(window.days)} ${window.start}-${window.end} x${window.capacity}`;
}

const SPEC = /^\s*(\S+)\s+(\d{1,2}:\d{2})\s*-\s*((?:[A-Za-z]{3}\s+)?\d{1,2}:\d{2})\s+x?(\d+)\s*$/;

function dayOf(text: string): Weekday | undefined {
  const normal = `${text.charAt(0).toUpperCase()}${text.slice(1, 3).toLowerCase()}`;
  return text.length === 3 ? WEEKDAYS.find((day) => day === normal) : undefined;
}

function padClock(text: string): string {
  return text.length === 4 ? `0${text}` : text;
}

/**
 * Reads the window notation the CLI accepts, the same one formatWindow writes:
 * `<days> <start>-<end> [x]<capacity>`, days as `Mon-Thu`, `Sat,Sun` or a mix. Only the notation is
 * checked here; the wave definition validates the values.
 */
export function parseWindowSpec(text: string): WaveWindow | string {
  const match = SPEC.exec(text);
  if (match === null) {
    return `${JSON.stringify(text)} is not a window such as "Mon-Thu 19:00-07:00 22000" or "Fri 19:00-Mon 07:00 83000"`;
  }
  const [, dayText = "", start = "", endText = "", capacity = ""] = match;
  const days: Weekday[] = [];
  for (const part of dayText.split(",")) {
    const [fromText = "", toText] = part.split("-");
    const from = dayOf(fromText);
    const to = toText === undefined ? from : dayOf(toText);
    if (from === undefined || to === undefined)
      return `${JSON.stringify(part)} is not a weekday or a range such as Mon-Thu`;
    const first = WEEKDAYS.indexOf(from);
    const last = WEEKDAYS.indexOf(to);
    if (last < first) return `${JSON.stringify(part)} runs backwards; write Sat,Sun or Fri-Sun`;
    for (let d = first; d <= last; d++) days.push(WEEKDAYS[d] ?? "Mon");
  }
  const endParts = endText.trim().split(/\s+/);
  const end =
    endParts.length === 2
      ? `${dayOf(endParts[0] ?? "") ?? endParts[0] ?? ""} ${padClock(endParts[1] ?? "")}`
      : padClock(endParts[0] ?? "");
  return { days, start: padClock(start), end, capacity: Number(capacity) };
}
