/**
 * The migration domain: accounts, their statuses and allowed transitions, waves and their cutover
 * windows, and wave totals. Pure: no I/O and no Azure types.
 */
export * from "./account.js";
export * from "./counts.js";
export * from "./cutover.js";
export * from "./errors.js";
export * from "./glossary.js";
export * from "./ids.js";
export * from "./months.js";
export * from "./statistics.js";
export * from "./status.js";
export * from "./upn.js";
export * from "./wave.js";
export * from "./windows.js";
export * from "./time.js";
export * from "./steps.js";
export * from "./zones.js";
