/**
 * Time zones as operators name them: IANA ids (Europe/London) and Windows ids (GMT Standard Time),
 * the latter mapped to IANA through CLDR's windowsZones table, as the windows-iana package
 * carries it. Waves store the IANA id, which the runtime's Intl and the schedules understand.
 */
import { WINDOWS_TO_IANA_MAP } from "windows-iana";

/** Windows id (lower case) to the IANA id CLDR gives for its territory 001, the zone's default. */
const WINDOWS_ZONES: ReadonlyMap<string, string> = new Map(
  WINDOWS_TO_IANA_MAP.filter((entry) => entry.territory === "001").flatMap((entry) =>
    entry.iana[0] === undefined ? [] : [[entry.windowsName.toLowerCase(), entry.iana[0]] as const],
  ),
);

/** What a time zone setting or option accepts, for messages. */
export const TIME_ZONE_RULE =
  "an IANA time zone such as Europe/London or a Windows one such as GMT Standard Time";

/** The IANA id for a Windows time zone id (any case); anything else is returned as it is. */
export function ianaTimeZone(zone: string): string {
  return WINDOWS_ZONES.get(zone.trim().toLowerCase()) ?? zone;
}
