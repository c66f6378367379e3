/**
 * Additive-increase, multiplicative-decrease release rate: the scheduler releases more accounts
 * per run while the recent work is healthy, and halves the rate as soon as the share of
 * throttled Graph calls or failed slices rises above the threshold.
 */
export interface RateBounds {
  readonly min: number;
  readonly max: number;
  readonly step: number;
  /** Share of throttled or failed work above which the rate backs off. */
  readonly unhealthyShare: number;
}

export interface RecentHealth {
  /** Graph requests (or slices) observed recently. */
  readonly total: number;
  /** Of those, throttled or failed. */
  readonly unhealthy: number;
}

/** The next release rate given the current one and what recent work looked like. */
export function nextReleaseRate(current: number, health: RecentHealth, bounds: RateBounds): number {
  const clamp = (value: number): number => Math.min(bounds.max, Math.max(bounds.min, Math.round(value)));
  if (health.total === 0) return clamp(current);
  const share = health.unhealthy / health.total;
  if (share > bounds.unhealthyShare) return clamp(current / 2);
  return clamp(current + bounds.step);
}
