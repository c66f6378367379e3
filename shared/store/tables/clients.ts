import { TableClient } from "@azure/data-tables";
import { DefaultAzureCredential } from "@azure/identity";
import type { TablesSettings } from "../../config/index.js";
import { StoreUnavailableError } from "../errors.js";

/** The tables the store owns. */
export interface StoreTables {
  readonly accounts: TableClient;
  readonly waves: TableClient;
}

/** Table names for a prefix (letters and digits, see MailferryTablePrefix). */
export function tableNames(prefix: string): { accounts: string; waves: string } {
  return { accounts: `${prefix}accounts`, waves: `${prefix}waves` };
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

function connectionValue(connectionString: string, key: string): string | undefined {
  for (const part of connectionString.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim().toLowerCase() === key.toLowerCase())
      return part.slice(at + 1).trim();
  }
  return undefined;
}

/**
 * Plain HTTP is only for an emulator on this machine: the SDK refuses to sign requests over HTTP
 * unless told to, and it is told to only for loopback endpoints.
 */
function allowsHttp(connectionString: string): boolean {
  if (/UseDevelopmentStorage=true/i.test(connectionString)) return true;
  const endpoint = connectionValue(connectionString, "TableEndpoint");
  if (endpoint === undefined) return false;
  const url = new URL(endpoint);
  if (url.protocol !== "http:") return false;
  if (!LOOPBACK.has(url.hostname)) {
    throw new StoreUnavailableError(
      `refusing to send storage credentials over plain HTTP to ${url.hostname}`,
    );
  }
  return true;
}

/** Any Entra token credential (DefaultAzureCredential, ManagedIdentityCredential, ...). */
export type StoreCredential = Pick<DefaultAzureCredential, "getToken">;

export interface OpenTablesOptions {
  /** Overrides DefaultAzureCredential for identity-based settings. */
  readonly credential?: StoreCredential;
}

/** Creates the clients for the configured account and makes sure the tables exist. */
export async function openTables(
  settings: TablesSettings,
  options: OpenTablesOptions = {},
): Promise<StoreTables> {
  const names = tableNames(settings.tablePrefix);
  let client: (table: string) => TableClient;
  if (settings.kind === "connectionString") {
    const allowInsecureConnection = allowsHttp(settings.connectionString);
    client = (table) =>
      TableClient.fromConnectionString(settings.connectionString, table, { allowInsecureConnection });
  } else {
    const credential =
      options.credential ??
      new DefaultAzureCredential(
        settings.clientId === undefined ? {} : { managedIdentityClientId: settings.clientId },
      );
    client = (table) => new TableClient(settings.tableServiceUri, table, credential);
  }
  const tables: StoreTables = { accounts: client(names.accounts), waves: client(names.waves) };
  try {
    // createTable succeeds quietly when the table exists.
    await Promise.all([tables.accounts.createTable(), tables.waves.createTable()]);
  } catch (error) {
    throw new StoreUnavailableError(`could not create or open tables ${names.accounts} and ${names.waves}`, {
      cause: error,
    });
  }
  return tables;
}
