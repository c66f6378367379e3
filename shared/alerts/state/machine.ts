/**
 * The life of one rule for one subject: `ok` → `firing` → `resolved` (and `firing` again). Pure:
 * the evaluation feeds it an observation and the time, and persists what it returns.
 *
 * - A rule fires when its breach holds for `need` of the last `of` evaluations, and resolves when it
 *   no longer does.
 * - Firing is announced unless a firing notice for the same rule and subject went out within the
 *   mute period: a flapping rule changes state but stays quiet. A resolve is announced only when
 *   the firing it ends was, so nobody hears "resolved" about something they never heard of.
 * - A firing alert is announced again only when the observation says it got worse (`again`), and
 *   then only outside the mute period.
 */
import type { HoldPolicy, Observation, RuleId } from "../rules.js";

export type AlertStatus = "ok" | "firing" | "resolved";

export interface RuleState {
  readonly rule: RuleId;
  readonly subject: string;
  readonly status: AlertStatus;
  /** The latest evaluations, oldest first (true: breached), at most the rule's `of` long. */
  readonly recent: readonly boolean[];
  /** The figure of the latest evaluation. */
  readonly value: number;
  readonly summary: string;
  /** Epoch ms of the latest evaluation. */
  readonly evaluatedAt: number;
  /** Epoch ms the status last changed. */
  readonly changedAt: number;
  /** Epoch ms the current (or, once resolved, the latest) firing began. */
  readonly since?: number;
  /** Epoch ms of the latest firing notice. */
  readonly announcedAt?: number;
  /** Whether the current (or, once resolved, the latest) firing was announced. */
  readonly announced: boolean;
  /** Storage version; absent for a state never stored. */
  readonly etag?: string;
}

export type NoticeKind = "firing" | "resolved";

export interface Step {
  readonly next: RuleState;
  /** What to tell people, if anything. */
  readonly notice?: NoticeKind;
}

function muted(previous: RuleState | undefined, now: number, muteMs: number): boolean {
  return previous?.announcedAt !== undefined && now - previous.announcedAt < muteMs;
}

/** Advances a rule's state by one evaluation. */
export function advance(
  previous: RuleState | undefined,
  observation: Observation,
  hold: HoldPolicy,
  now: number,
  muteMs: number,
): Step {
  const recent = [...(previous?.recent ?? []), observation.breached].slice(-hold.of);
  const holds = recent.filter(Boolean).length >= hold.need;
  const status = previous?.status ?? "ok";
  const base: RuleState = {
    rule: observation.rule,
    subject: observation.subject,
    status,
    recent,
    value: observation.value,
    summary: observation.summary,
    evaluatedAt: now,
    changedAt: previous?.changedAt ?? now,
    announced: previous?.announced ?? false,
    ...(previous?.since !== undefined ? { since: previous.since } : {}),
    ...(previous?.announcedAt !== undefined ? { announcedAt: previous.announcedAt } : {}),
    ...(previous?.etag !== undefined ? { etag: previous.etag } : {}),
  };
  if (status !== "firing") {
    if (!holds) return { next: base };
    const firing: RuleState = { ...base, status: "firing", changedAt: now, since: now };
    if (muted(previous, now, muteMs)) return { next: { ...firing, announced: false } };
    return { next: { ...firing, announced: true, announcedAt: now }, notice: "firing" };
  }
  if (!holds) {
    const resolved: RuleState = { ...base, status: "resolved", changedAt: now };
    return base.announced ? { next: resolved, notice: "resolved" } : { next: resolved };
  }
  if (observation.again === true && !muted(previous, now, muteMs)) {
    return { next: { ...base, announced: true, announcedAt: now }, notice: "firing" };
  }
  return { next: base };
}
