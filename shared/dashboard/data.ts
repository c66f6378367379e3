/**
 * What the page needs beyond the admin API, in one call per refresh: who is looking (so the page
 * offers Operator buttons only to operators), throughput and failure rate over time, the alert
 * thresholds to draw on the charts, and the alert rules that are firing or fired recently.
 */
import type { ActivityLog } from "../activity/port.js";
import type { AlertSettings } from "../config/index.js";
import type { AlertStatus, RuleState } from "../alerts/state/machine.js";
import type { AlertStateStore } from "../alerts/state/port.js";
import { RULES, type RuleId, type Severity } from "../alerts/rules.js";
import { allows, type Principal } from "../admin/principal.js";
import { asError } from "../errors.js";
import type { Wave } from "../domain/index.js";
import type { WaveRepository } from "../store/port.js";
import type { Logger } from "../telemetry/logger.js";
import { activitySeries, type Series } from "./series.js";

/** What building the data reads; the app's Services provide it. */
export interface DashboardPorts {
  readonly activity: ActivityLog;
  /** The waves, whose own time the charts span. */
  readonly store: { readonly waves: Pick<WaveRepository, "list"> };
  alerts(): Promise<{ readonly settings: AlertSettings; readonly states: AlertStateStore }>;
  readonly logger: Logger;
  now(): Date;
}

export interface DashboardQuery {
  /** Span of the charts in minutes, ending now; without it, the waves' own time. */
  readonly minutes?: number;
  readonly buckets: number;
  readonly wave?: string;
}

export interface AlertView {
  readonly rule: RuleId;
  readonly subject: string;
  readonly severity: Severity;
  readonly title: string;
  readonly status: AlertStatus;
  readonly summary: string;
  readonly value: number;
  readonly since?: string;
  readonly changedAt: string;
}

export interface DashboardData {
  readonly at: string;
  readonly viewer: { readonly name: string; readonly canOperate: boolean };
  readonly series: Series;
  /** The zone the charts' time axis is drawn in: the waves' own when they share one, else UTC. */
  readonly timeZone: string;
  /** The alert rules' thresholds (shares 0..1); null when the alert settings cannot be read. */
  readonly thresholds: { readonly failureRate: number; readonly throttledShare: number } | null;
  readonly alerts: {
    /** False when the alert states could not be read; `error` says why. */
    readonly available: boolean;
    readonly error?: string;
    readonly open: readonly AlertView[];
    /** Resolved within the recent period, newest first. */
    readonly recent: readonly AlertView[];
  };
}

/** How long a resolved alert stays listed as recent. */
export const RECENT_ALERTS_MS = 24 * 60 * 60 * 1000;

function view(state: RuleState): AlertView {
  const rule = RULES[state.rule];
  return {
    rule: state.rule,
    subject: state.subject,
    severity: rule.severity,
    title: rule.title(state.subject),
    status: state.status,
    summary: state.summary,
    value: state.value,
    ...(state.since !== undefined ? { since: new Date(state.since).toISOString() } : {}),
    changedAt: new Date(state.changedAt).toISOString(),
  };
}

const MINUTE = 60_000;
/** The shortest and longest span the charts draw when they follow the waves' own time. */
const SPAN_MS = { least: 5 * MINUTE, most: 30 * 24 * 60 * MINUTE };
const RUNNING: ReadonlySet<string> = new Set(["Scheduled", "Active", "Paused"]);

/** The waves the charts are about: the one asked for, else those still running, else the latest. */
function shownWaves(waves: readonly Wave[], waveId: string | undefined): Wave[] {
  if (waveId !== undefined) return waves.filter((wave) => wave.id === waveId);
  const running = waves.filter((wave) => RUNNING.has(wave.status));
  if (running.length > 0) return running;
  const latest = [...waves].sort((a, b) => Date.parse(b.updatedAt) - Date.parse(a.updatedAt))[0];
  return latest === undefined ? [] : [latest];
}

/** From the first shown wave's creation to now, or to its end when every shown wave has ended. */
function waveSpan(waves: readonly Wave[], now: Date, buckets: number): { spanMs: number; until: Date } {
  if (waves.length === 0) return { spanMs: 60 * MINUTE, until: now };
  const from = Math.min(...waves.map((wave) => Date.parse(wave.createdAt)));
  const ended = waves.every((wave) => !RUNNING.has(wave.status));
  const until = ended
    ? Math.min(now.getTime(), Math.max(...waves.map((wave) => Date.parse(wave.updatedAt))))
    : now.getTime();
  // One bucket more: buckets are aligned to their size, so the first may start after the wave did.
  const spanMs = Math.min(
    SPAN_MS.most,
    Math.max(SPAN_MS.least, ((until - from) * (buckets + 1)) / buckets + 1000),
  );
  return { spanMs, until: new Date(until) };
}

/** Builds the page's data for a viewer. Alert trouble is reported in the data, not thrown. */
export async function dashboardData(
  ports: DashboardPorts,
  viewer: Principal,
  query: DashboardQuery,
): Promise<DashboardData> {
  const now = ports.now();
  const shown = shownWaves(await ports.store.waves.list(), query.wave);
  const span =
    query.minutes !== undefined
      ? { spanMs: query.minutes * 60_000, until: now }
      : waveSpan(shown, now, query.buckets);
  const series = await activitySeries(
    ports.activity,
    {
      spanMs: span.spanMs,
      buckets: query.buckets,
      ...(query.wave !== undefined ? { waveId: query.wave } : {}),
    },
    span.until,
  );
  const zones = new Set(shown.map((wave) => wave.timeZone));
  const [onlyZone] = zones;
  const timeZone = zones.size === 1 && onlyZone !== undefined ? onlyZone : "UTC";
  let thresholds: DashboardData["thresholds"] = null;
  let alerts: DashboardData["alerts"];
  try {
    const { settings, states } = await ports.alerts();
    thresholds = { failureRate: settings.failureRate, throttledShare: settings.throttledShare };
    const all = (await states.list()).filter(
      (state) => query.wave === undefined || state.subject === query.wave,
    );
    const open = all.filter((state) => state.status === "firing").sort((a, b) => b.changedAt - a.changedAt);
    const recent = all
      .filter((state) => state.status === "resolved" && now.getTime() - state.changedAt <= RECENT_ALERTS_MS)
      .sort((a, b) => b.changedAt - a.changedAt);
    alerts = { available: true, open: open.map(view), recent: recent.map(view) };
  } catch (error) {
    // The charts are still worth showing when the alert settings or table are broken.
    ports.logger.warn("dashboard: alert states unavailable", { error });
    alerts = { available: false, error: asError(error).message, open: [], recent: [] };
  }
  return {
    at: now.toISOString(),
    viewer: { name: viewer.name, canOperate: allows(viewer, "change") },
    series,
    timeZone,
    thresholds,
    alerts,
  };
}
