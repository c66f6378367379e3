/**
 * Calendar months for the simulator's archive age policy. The simulator counts them itself rather
 * than borrowing the engine's arithmetic, so an inspection that agrees with the engine is evidence,
 * not the engine checked against itself.
 */

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/**
 * The UTC instant `months` calendar months before `nowMs`: same time of day, same day of the month,
 * or the last day of the earlier month when it is shorter (31 May less one month is 30 April).
 */
export function calendarMonthsBefore(nowMs: number, months: number): number {
  const now = new Date(nowMs);
  const total = now.getUTCFullYear() * 12 + now.getUTCMonth() - months;
  const year = Math.floor(total / 12);
  const monthIndex = total % 12 < 0 ? (total % 12) + 12 : total % 12;
  const day = Math.min(now.getUTCDate(), daysInMonth(year, monthIndex));
  const midnight = Date.UTC(year, monthIndex, day);
  const timeOfDay = nowMs - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return midnight + timeOfDay;
}
