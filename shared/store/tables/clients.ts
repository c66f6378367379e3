import type { TableClient } from "@azure/data-tables";
import { createTableClient, tableName } from "../../azure/index.js";
import type { TablesSettings } from "../../config/index.js";
import { StoreUnavailableError } from "../errors.js";

/** The tables the store owns. */
export interface StoreTables {
  readonly accounts: TableClient;
  readonly waves: TableClient;
}

/** Creates the clients for the configured account and makes sure the tables exist. */
export async function openTables(settings: TablesSettings): Promise<StoreTables> {
  const tables: StoreTables = {
    accounts: createTableClient(settings, "accounts"),
    waves: createTableClient(settings, "waves"),
  };
  try {
    // createTable succeeds quietly when the table exists.
    await Promise.all([tables.accounts.createTable(), tables.waves.createTable()]);
  } catch (error) {
    const names = `${tableName(settings, "accounts")} and ${tableName(settings, "waves")}`;
    throw new StoreUnavailableError(`could not create or open tables ${names}`, { cause: error });
  }
  return tables;
}
