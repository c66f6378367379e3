import type { TablesSettings } from "../../config/index.js";
import type { WaveCounts } from "../../domain/index.js";
import { parseWaveId } from "../../domain/index.js";
import { type Logger, silentLogger } from "../../telemetry/logger.js";
import type { CounterRepair, MigrationStore } from "../port.js";
import { TablesAccounts } from "./accounts.js";
import { openTables, type StoreTables } from "./clients.js";
import { CounterShards } from "./counters.js";
import { TablesWaves } from "./waves.js";

export type { StoreTables } from "./clients.js";
export { ACCOUNT_PARTITIONS, COUNTER_SHARDS, partitionOf } from "./keys.js";

export interface TablesStoreOptions {
  readonly logger?: Logger;
}

/** The MigrationStore over Table Storage, for tables that are already open. */
export function tablesStore(tables: StoreTables, logger: Logger = silentLogger): MigrationStore {
  const counters = new CounterShards(tables.accounts);
  const accounts = new TablesAccounts(tables.accounts, counters);
  const waves = new TablesWaves(tables.waves);
  return {
    accounts,
    waves,
    counters: {
      waveCounts(waveId: string): Promise<WaveCounts> {
        return counters.waveCounts(parseWaveId(waveId));
      },
      async repairCounters(waveId: string): Promise<CounterRepair> {
        const id = parseWaveId(waveId);
        const repair = await counters.repair(id, (partition) => accounts.recount(partition, id));
        if (repair.drifted) logger.warn("wave counters drifted and were repaired", { waveId: id });
        return repair;
      },
    },
    close(): Promise<void> {
      // The SDK pools its connections per process; there is nothing of ours to release.
      return Promise.resolve();
    },
  };
}

/**
 * The Table Storage adapter: opens (and creates if needed) the accounts and waves tables named by
 * the settings' prefix, with a connection string or an endpoint and the app's Entra identity.
 */
export async function createTablesStore(
  settings: TablesSettings,
  options: TablesStoreOptions = {},
): Promise<MigrationStore> {
  const tables = await openTables(settings);
  return tablesStore(tables, options.logger);
}
