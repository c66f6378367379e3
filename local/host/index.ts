export { LocalHost, type LocalHostOptions } from "./host.js";
export { acceleratedClock, systemClock, type Clock } from "./clock.js";
export { parseHostJson, readHostJson, type HostJsonSettings } from "./host-json.js";
export { resolveTimeZone } from "./timezone.js";
export { HostConfigurationError } from "./errors.js";
