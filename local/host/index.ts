export { LocalHost, type LocalHostOptions } from "./host.js";
export { parseHostJson, readHostJson, type HostJsonSettings } from "./host-json.js";
export { HostConfigurationError, HostWaitTimeoutError } from "./errors.js";
export type { AppLocation } from "./worker/load-app.js";
export { mailferryApp } from "./app-location.js";
