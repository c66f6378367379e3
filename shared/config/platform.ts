import { optional, type Env } from "./env.js";

/** The setting App Service (and Functions) sets to say its built-in authentication is on. */
export const AUTH_ENABLED_SETTING = "WEBSITE_AUTH_ENABLED";

/** What the platform tells the app about itself. */
export interface PlatformSettings {
  /**
   * App Service authentication is on: it signed the caller in and wrote `x-ms-client-principal`,
   * having removed any such header the caller sent. Only then is the header evidence of anything.
   */
  readonly authenticationEnabled: boolean;
}

/** Reads what the platform set; App Service writes `True` when authentication is on. */
export function readPlatformSettings(env: Env): PlatformSettings {
  return { authenticationEnabled: optional(env, AUTH_ENABLED_SETTING)?.toLowerCase() === "true" };
}
