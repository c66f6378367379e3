/**
 * What the emulators share with the application that starts them: the logger it passes in, the
 * root of their errors, and the bounded body reader their HTTP servers use. Each emulator has its
 * own entry point (`@mailferry/azure-local/servicebus`, `/graph`, `/exchange`, `/azurite`, `/webhook`).
 */
export { type Logger, silentLogger } from "./logger.js";
export { AzureLocalError, asError } from "./errors.js";
export { BodyTooLargeError, readBody } from "./http/body.js";
