/** Calendar arithmetic for the archive age policy, shared by the engine and the simulator's inspection. */

/**
 * The instant `months` calendar months before `nowMs`, in UTC. The day of the month is kept, or
 * clamped to the last day of a shorter month (31 March less one month is 28 or 29 February), so a
 * cutoff never spills into the following month.
 */
export function monthsBefore(nowMs: number, months: number): number {
  const now = new Date(nowMs);
  const monthIndex = now.getUTCFullYear() * 12 + now.getUTCMonth() - months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const cutoff = new Date(0);
  // Day 0 of the next month is the last day of this one.
  cutoff.setUTCFullYear(year, month + 1, 0);
  cutoff.setUTCFullYear(year, month, Math.min(now.getUTCDate(), cutoff.getUTCDate()));
  cutoff.setUTCHours(now.getUTCHours(), now.getUTCMinutes(), now.getUTCSeconds(), now.getUTCMilliseconds());
  return cutoff.getTime();
}
