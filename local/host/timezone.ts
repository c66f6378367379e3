import { findIana } from "windows-iana";
import { HostConfigurationError } from "./errors.js";

function isIana(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-GB", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves `WEBSITE_TIME_ZONE` as Azure accepts it: an IANA id (Linux plans) or a Windows id such
 * as "GMT Standard Time" (Windows plans). Unset means UTC, as in Azure.
 */
export function resolveTimeZone(setting: string | undefined): string {
  const value = setting?.trim();
  if (!value) return "UTC";
  if (isIana(value)) return value;
  const candidates = findIana(value);
  const first = candidates[0];
  if (first !== undefined && isIana(first)) return first;
  throw new HostConfigurationError(
    `setting WEBSITE_TIME_ZONE: ${JSON.stringify(value)} is neither an IANA time zone nor a Windows time zone id`,
  );
}
