/**
 * The migration store: the port, its Table Storage adapter and its in-memory fake.
 */
import type { TablesSettings } from "../config/index.js";
import type { MigrationStore } from "./port.js";
import { createTablesStore, type TablesStoreOptions } from "./tables/index.js";

export * from "./errors.js";
export type * from "./port.js";
export { createMemoryStore, type MemoryStore } from "./memory/index.js";
export type { TablesStoreOptions } from "./tables/index.js";
export { isTransient, retrying, type RetryPolicy } from "./retry.js";
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./listing.js";

/**
 * Opens the Table Storage store described by `settings` (from `tablesSettings()`): a connection
 * string (Azurite, shared key) or an endpoint with the app's identity (see `azure/credential.ts`).
 */
export function createStore(
  settings: TablesSettings,
  options: TablesStoreOptions = {},
): Promise<MigrationStore> {
  return createTablesStore(settings, options);
}
