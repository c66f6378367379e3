/**
 * What each rule sees, computed from figures the evaluation has read. Pure, so thresholds, minimum
 * samples and edge cases are tested without storage.
 */
import { summarise, type ActivityRecord } from "../activity/port.js";
import type { AlertSettings } from "../config/index.js";
import {
  isPreflightFailure,
  openWindow,
  type Wave,
  type WaveCounts,
  type WindowOccurrence,
} from "../domain/index.js";
import type { Observation } from "./rules.js";
import type { RuleState } from "./state/machine.js";

/** `12.5 %`. */
export function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** `1 message`, `3 messages`. */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** `15 min`, `90 s`: a duration as people read it. */
export function duration(ms: number): string {
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  const minutes = ms / 60_000;
  return `${Number.isInteger(minutes) ? minutes : minutes.toFixed(1)} min`;
}

/** Accounts that finished a copy pass in the records (a Graph pass or an Exchange sync). */
function copiedAccounts(records: readonly ActivityRecord[]): number {
  const accounts = new Set<string>();
  for (const record of records) {
    if (record.kind === "slice" && (record.detail === "done" || record.detail === "synced")) {
      accounts.add(record.accountId);
    }
  }
  return accounts.size;
}

/** Accounts seen past pre-flight in the records: any slice means pre-flight passed. */
function pastPreflight(records: readonly ActivityRecord[]): number {
  const accounts = new Set<string>();
  for (const record of records) if (record.kind === "slice") accounts.add(record.accountId);
  return accounts.size;
}

/**
 * Failure rate of a wave: failures after pre-flight against the accounts that finished a step in
 * the window (a copy pass, a cutover, or a failure). Pre-flight failures have their own rule: a
 * wave's first accounts to end are often those, and they say nothing of the migration's health.
 */
export function observeFailureRate(
  waveId: string,
  records: readonly ActivityRecord[],
  settings: AlertSettings,
): Observation & { readonly sample: number } {
  const failed = records.filter(
    (record) => record.kind === "failed" && !isPreflightFailure(record.detail),
  ).length;
  const { completed } = summarise(records);
  const sample = failed + completed + copiedAccounts(records);
  const rate = sample === 0 ? 0 : failed / sample;
  const window = duration(settings.windowMs);
  const enough = sample >= settings.minimumSample;
  return {
    rule: "failure-rate",
    subject: waveId,
    sample,
    value: rate,
    breached: enough && rate > settings.failureRate,
    summary: enough
      ? `${failed} of ${count(sample, "account")} that finished a step failed (${percent(rate)}) in the last ${window}; the threshold is ${percent(settings.failureRate)}`
      : `${count(sample, "account")} finished a step in the last ${window}, fewer than the ${settings.minimumSample} the rate needs`,
  };
}

/**
 * Pre-flight failures of a wave: accounts that failed pre-flight against those that failed it or
 * were seen past it (copying) in the window.
 */
export function observePreflightFailures(
  waveId: string,
  records: readonly ActivityRecord[],
  settings: AlertSettings,
): Observation & { readonly sample: number } {
  const failed = records.filter(
    (record) => record.kind === "failed" && isPreflightFailure(record.detail),
  ).length;
  const sample = failed + pastPreflight(records);
  const rate = sample === 0 ? 0 : failed / sample;
  const window = duration(settings.windowMs);
  const enough = sample >= settings.minimumSample;
  return {
    rule: "preflight-failures",
    subject: waveId,
    sample,
    value: rate,
    breached: enough && rate > settings.preflightFailureRate,
    summary: enough
      ? `${failed} of ${count(sample, "account")} failed pre-flight (${percent(rate)}) in the last ${window}; the threshold is ${percent(settings.preflightFailureRate)}`
      : `${count(sample, "account")} went through pre-flight in the last ${window}, fewer than the ${settings.minimumSample} the share needs`,
  };
}

/** Throttled share of a wave's Graph requests in the window. */
export function observeThrottling(
  waveId: string,
  records: readonly ActivityRecord[],
  settings: AlertSettings,
): Observation {
  const { requests, throttled } = summarise(records);
  const share = requests === 0 ? 0 : throttled / requests;
  const enough = requests >= settings.minimumRequests;
  return {
    rule: "throttling",
    subject: waveId,
    value: share,
    breached: enough && share > settings.throttledShare,
    summary: enough
      ? `${throttled} of ${count(requests, "Graph request")} throttled (${percent(share)}) in the last ${duration(settings.windowMs)}; the release rate backs off meanwhile`
      : `${count(requests, "Graph request")} in the last ${duration(settings.windowMs)}, fewer than the ${settings.minimumRequests} the share needs`,
  };
}

/** What the stall rule needs to know about a wave besides its activity. */
export interface StallFacts {
  readonly wave: Wave;
  /** The wave's totals; only read when the rule could fire. */
  readonly counts: () => Promise<WaveCounts>;
  /** Accounts released so far in the open window occurrence (capacity used). */
  readonly released: (windowStart: Date) => Promise<number>;
  /**
   * Synced accounts the open window may cut over now; those that wait for a later window (they
   * finished copying after it opened) or for an operator's time are expected to wait.
   */
  readonly readySynced: (window: WindowOccurrence, capacityLeft: number) => Promise<number>;
  /** The wave's activity records within the stall period. */
  readonly recent: readonly ActivityRecord[];
  /** A hybrid wave's moves stalled in Exchange for the whole stall period, window or not. */
  readonly stalledMoves?: () => Promise<{ readonly count: number; readonly detail: string }>;
}

const IN_FLIGHT = ["Queued", "Syncing", "Completing"] as const;

/**
 * A wave has stalled when it is Active, a window has been open for the whole stall period,
 * accounts wait (in flight, or Pending or Synced with window capacity left) and nothing
 * progressed. Accounts behind a used-up window are expected to wait, so they do not count.
 */
export async function observeStall(
  facts: StallFacts,
  now: Date,
  settings: AlertSettings,
): Promise<Observation> {
  const { wave } = facts;
  const quiet = (summary: string): Observation => ({
    rule: "stalled-wave",
    subject: wave.id,
    value: 0,
    breached: false,
    summary,
  });
  if (wave.status !== "Active") return quiet(`the wave is ${wave.status}`);
  const period = duration(settings.stallMs);
  // Exchange's own stalls (StalledDueToTarget_*, StalledDueToSource_*) matter before the window too.
  const stalled = await facts.stalledMoves?.();
  if (stalled !== undefined && stalled.count > 0) {
    return {
      rule: "stalled-wave",
      subject: wave.id,
      value: stalled.count,
      breached: true,
      summary: `${count(stalled.count, "move")} stalled in Exchange for over ${period} (${stalled.detail})`,
    };
  }
  const window = openWindow(wave, now);
  if (!window) return quiet("no window is open");
  if (now.getTime() - window.start.getTime() < settings.stallMs) {
    return quiet(`the window opened less than ${period} ago`);
  }
  // A wave just started (or resumed, or changed) has had no time to show progress yet.
  if (now.getTime() - Date.parse(wave.updatedAt) < settings.stallMs) {
    return quiet(`the wave started or changed less than ${period} ago`);
  }
  if (facts.recent.length > 0) return quiet(`accounts progressed within the last ${period}`);
  const counts = await facts.counts();
  const inFlight = IN_FLIGHT.reduce((sum, status) => sum + counts.byStatus[status], 0);
  const capacityLeft = window.window.capacity - (await facts.released(window.start));
  const synced =
    capacityLeft > 0 && counts.byStatus.Synced > 0 ? await facts.readySynced(window, capacityLeft) : 0;
  const pending = capacityLeft > 0 ? counts.byStatus.Pending + synced : 0;
  const waiting = inFlight + pending;
  if (waiting === 0) return quiet("no account is waiting");
  return {
    rule: "stalled-wave",
    subject: wave.id,
    value: waiting,
    breached: true,
    summary: `${count(waiting, "account")} waiting (${inFlight} in flight, ${pending} pending or synced) and none progressed in the last ${period}, although a window is open`,
  };
}

/**
 * Dead-letter growth: the depth rose since the previous evaluation. A depth that stays high keeps
 * the alert open without new notices; a further rise while open is announced again (outside the
 * mute period); a falling depth (messages replayed or purged) resolves it.
 */
export function observeDeadLetters(
  queue: string,
  depth: number,
  previous: RuleState | undefined,
): Observation {
  const before = previous?.value ?? 0;
  const firing = previous?.status === "firing";
  const rose = depth > before;
  const change = rose ? `up from ${before}` : depth < before ? `down from ${before}` : "unchanged";
  return {
    rule: "dead-letters",
    subject: queue,
    value: depth,
    breached: rose || (firing && depth >= before && depth > 0),
    again: firing && rose,
    summary:
      depth === 0 ? "no dead-lettered messages" : `${count(depth, "dead-lettered message")} (${change})`,
  };
}
