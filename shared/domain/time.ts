/**
 * One format for instants shown to people: the wave's own time zone with its UTC offset, so that
 * an operator in another zone (or a browser set to one) reads the same wall-clock time the wave's
 * windows are written in, and can still tell the absolute instant.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-GB", {
      timeZone,
      weekday: "short",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "longOffset",
    });
    formatters.set(timeZone, format);
  }
  return format;
}

/**
 * `Mon 2025-03-03 19:00 +01:00`: an instant as wall-clock time in `timeZone` with its offset.
 * A dash for a missing instant.
 */
export function zonedTime(iso: string | Date | null | undefined, timeZone: string): string {
  if (iso === null || iso === undefined) return "-";
  const at = typeof iso === "string" ? new Date(iso) : iso;
  if (Number.isNaN(at.getTime())) return "-";
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of formatter(timeZone).formatToParts(at)) parts[part.type] = part.value;
  // "GMT+01:00" (or plain "GMT" at offset zero) becomes "+01:00".
  const offset = (parts.timeZoneName ?? "GMT").replace(/^GMT/, "") || "+00:00";
  return `${parts.weekday ?? ""} ${parts.year ?? ""}-${parts.month ?? ""}-${parts.day ?? ""} ${parts.hour ?? ""}:${parts.minute ?? ""} ${offset}`;
}
