/**
 * One evaluation of every alert rule (the alerts timer, every five minutes): observe each wave and
 * queue, advance each rule's state, persist the states, then notify. Notices are sent only after
 * every state is stored, and delivery never throws, so a dead webhook cannot stop an evaluation
 * nor make the next one repeat what this one announced.
 */
import type { ActivityLog, ActivityRecord } from "../activity/port.js";
import type { AlertSettings } from "../config/index.js";
import { CutoverQueue, type Wave, type WindowOccurrence } from "../domain/index.js";
import { asError } from "../errors.js";
import type { ReleaseLedger } from "../releases/ledger.js";
import type { MigrationStore } from "../store/port.js";
import type { Logger } from "../telemetry/logger.js";
import { metrics as globalMetrics, type MailferryMetrics } from "../telemetry/metrics.js";
import type { QueueDepths } from "./depths/port.js";
import { AlertsError, AlertStateConflictError } from "./errors.js";
import type { AlertNotice } from "./notify/notice.js";
import type { AlertNotifier, DeliveryReport } from "./notify/notifier.js";
import { stalledMoves } from "../mover/hybrid/stalls.js";
import {
  observeDeadLetters,
  observeFailureRate,
  observePreflightFailures,
  observeStall,
  observeThrottling,
} from "./observe.js";
import { RULES, ruleKey, type Observation, type RuleId } from "./rules.js";
import { advance, type AlertStatus, type NoticeKind, type RuleState } from "./state/machine.js";
import type { AlertStateStore } from "./state/port.js";

/** What an evaluation works with. */
export interface AlertDeps {
  readonly store: MigrationStore;
  readonly activity: ActivityLog;
  readonly releases: ReleaseLedger;
  readonly states: AlertStateStore;
  readonly depths: QueueDepths;
  readonly notifier: AlertNotifier;
  readonly settings: AlertSettings;
  /** Queues whose dead-letter depth is watched. */
  readonly queues: readonly string[];
  readonly logger: Logger;
  /** Where the failure rate and dead-letter depths are published (default: the process's). */
  readonly metrics?: MailferryMetrics;
  now(): Date;
}

/** What one rule found for one subject, and what became of it. */
export interface RuleEvaluation {
  readonly rule: RuleId;
  readonly subject: string;
  readonly status: AlertStatus;
  readonly breached: boolean;
  readonly value: number;
  readonly summary: string;
  readonly notice?: NoticeKind;
}

export interface AlertRun {
  readonly at: Date;
  readonly evaluations: readonly RuleEvaluation[];
  readonly notices: readonly AlertNotice[];
  readonly delivery: DeliveryReport;
}

const WAVE_RULES: ReadonlySet<RuleId> = new Set([
  "failure-rate",
  "preflight-failures",
  "stalled-wave",
  "throttling",
]);

function byWave(records: readonly ActivityRecord[]): Map<string, ActivityRecord[]> {
  const out = new Map<string, ActivityRecord[]>();
  for (const record of records) {
    const list = out.get(record.waveId);
    if (list) list.push(record);
    else out.set(record.waveId, [record]);
  }
  return out;
}

function toNotice(state: RuleState, kind: NoticeKind, at: Date): AlertNotice {
  const rule = RULES[state.rule];
  return {
    source: "mailferry",
    v: 1,
    status: kind,
    rule: state.rule,
    subject: state.subject,
    severity: rule.severity,
    title: rule.title(state.subject),
    summary: state.summary,
    value: state.value,
    at: at.toISOString(),
    since: new Date(state.since ?? state.changedAt).toISOString(),
  };
}

/** Observes every wave worth watching: Active and Paused ones, and any with a firing rule. */
async function observeWaves(
  deps: AlertDeps,
  waves: readonly Wave[],
  firing: ReadonlySet<string>,
  now: Date,
): Promise<Observation[]> {
  const { settings } = deps;
  const nowMs = now.getTime();
  const windowStart = nowMs - settings.windowMs;
  const stallStart = nowMs - settings.stallMs;
  const records = byWave(await deps.activity.between(Math.min(windowStart, stallStart), nowMs + 1));
  const out: Observation[] = [];
  for (const wave of waves) {
    if (wave.status !== "Active" && wave.status !== "Paused" && !firing.has(wave.id)) continue;
    const mine = records.get(wave.id) ?? [];
    const inWindow = mine.filter((record) => record.at >= windowStart);
    const failure = observeFailureRate(wave.id, inWindow, settings);
    if (failure.sample >= settings.minimumSample) {
      (deps.metrics ?? globalMetrics()).failureRate(wave.id, failure.value);
    }
    out.push(
      failure,
      observePreflightFailures(wave.id, inWindow, settings),
      observeThrottling(wave.id, inWindow, settings),
    );
    out.push(
      await observeStall(
        {
          wave,
          recent: mine.filter((record) => record.at >= stallStart),
          counts: () => deps.store.counters.waveCounts(wave.id),
          released: async (start) => (await deps.releases.get(wave.id, start.toISOString()))?.released ?? 0,
          readySynced: (window, capacityLeft) => readySynced(deps.store, wave, window, now, capacityLeft),
          ...(wave.engine === "hybrid"
            ? { stalledMoves: () => stalledMoves(deps.store, wave.id, now, settings.stallMs) }
            : {}),
        },
        now,
        settings,
      ),
    );
  }
  return out;
}

/** Most Synced accounts read to tell those a window may take now from those that wait for a later one. */
const SYNCED_SAMPLE = 5_000;

/** Synced accounts the open window would cut over now (not those that wait for a later window). */
async function readySynced(
  store: MigrationStore,
  wave: Wave,
  window: WindowOccurrence,
  now: Date,
  capacityLeft: number,
): Promise<number> {
  const queue = new CutoverQueue(wave, window, now, capacityLeft);
  let ready = 0;
  let read = 0;
  let token: string | undefined;
  do {
    const page = await store.accounts.listByStatus(wave.id, "Synced", {
      limit: 1000,
      ...(token !== undefined ? { continuationToken: token } : {}),
    });
    for (const account of page.items) if (queue.consider(account).take) ready += 1;
    read += page.items.length;
    token = page.continuationToken;
  } while (token !== undefined && read < SYNCED_SAMPLE);
  return ready;
}

/** Observes each queue's dead-letter depth; a queue that cannot be measured keeps its state. */
async function observeQueues(
  deps: AlertDeps,
  states: ReadonlyMap<string, RuleState>,
): Promise<Observation[]> {
  const out: Observation[] = [];
  for (const queue of deps.queues) {
    let depth: number;
    try {
      depth = await deps.depths.deadLetterDepth(queue);
    } catch (error) {
      deps.logger.warn("dead-letter depth unavailable; the rule keeps its state", { queue, error });
      continue;
    }
    (deps.metrics ?? globalMetrics()).deadLetterDepth(queue, depth);
    out.push(observeDeadLetters(queue, depth, states.get(ruleKey("dead-letters", queue))));
  }
  return out;
}

/** Runs every rule once at `deps.now()`; resolves after the notices were delivered (or given up). */
export async function runAlerts(deps: AlertDeps): Promise<AlertRun> {
  const now = deps.now();
  const nowMs = now.getTime();
  const [waves, stored] = await Promise.all([deps.store.waves.list(), deps.states.list()]);
  const states = new Map(stored.map((state) => [ruleKey(state.rule, state.subject), state]));
  const firingWaves = new Set(
    stored
      .filter((state) => state.status === "firing" && WAVE_RULES.has(state.rule))
      .map((state) => state.subject),
  );
  const observations = [
    ...(await observeWaves(deps, waves, firingWaves, now)),
    ...(await observeQueues(deps, states)),
  ];

  const evaluations: RuleEvaluation[] = [];
  const notices: AlertNotice[] = [];
  const failures: Error[] = [];
  for (const observation of observations) {
    const key = ruleKey(observation.rule, observation.subject);
    const step = advance(
      states.get(key),
      observation,
      RULES[observation.rule].hold,
      nowMs,
      deps.settings.muteMs,
    );
    try {
      await deps.states.put(step.next);
    } catch (error) {
      if (error instanceof AlertStateConflictError) {
        deps.logger.info("another evaluation updated the rule first; leaving it to that one", { key });
      } else {
        deps.logger.error("alert state could not be stored", { key, error });
        failures.push(asError(error));
      }
      continue;
    }
    evaluations.push({
      rule: observation.rule,
      subject: observation.subject,
      status: step.next.status,
      breached: observation.breached,
      value: observation.value,
      summary: observation.summary,
      ...(step.notice ? { notice: step.notice } : {}),
    });
    if (step.notice) notices.push(toNotice(step.next, step.notice, now));
  }

  for (const notice of notices) {
    const fields = { rule: notice.rule, subject: notice.subject, summary: notice.summary };
    if (notice.status === "firing") deps.logger.warn(`alert firing: ${notice.title}`, fields);
    else deps.logger.info(`alert resolved: ${notice.title}`, fields);
  }
  const delivery = notices.length > 0 ? await deps.notifier.deliver(notices) : { delivered: 0, failed: [] };
  if (failures.length > 0) {
    throw new AlertsError(`${failures.length} alert states could not be stored`, { cause: failures[0] });
  }
  return { at: now, evaluations, notices, delivery };
}
