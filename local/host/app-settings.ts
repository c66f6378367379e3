import { ConfigError, type Env } from "../../shared/config/index.js";

/**
 * Resolves `%Name%` binding expressions from app settings, as the Functions host does for
 * schedules, queue names and connections, so one definition can take its value from settings.
 */
export function resolveBindingExpression(value: string, env: Env, functionName: string): string {
  return value.replace(/%([^%]+)%/g, (_match, name: string) => {
    const setting = env[name];
    if (setting === undefined || setting.trim() === "") {
      throw new ConfigError(name, `is not set (function ${functionName}'s binding names it as %${name}%)`);
    }
    return setting.trim();
  });
}
