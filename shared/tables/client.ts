import { TableClient, TableServiceClient, type TableServiceClientOptions } from "@azure/data-tables";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import type { TablesSettings } from "../config/index.js";

/** The full table name for a logical table (`accounts` → `mailferryaccounts`). */
export function tableName(settings: TablesSettings, logical: string): string {
  return `${settings.tablePrefix}${logical}`;
}

/**
 * A TableClient for one table, from a connection string (Azurite allows plain http) or from the
 * table endpoint with Entra ID (a user-assigned managed identity when a client id is set).
 */
export function createTableClient(settings: TablesSettings, logical: string): TableClient {
  const name = tableName(settings, logical);
  if (settings.kind === "connectionString") {
    return TableClient.fromConnectionString(settings.connectionString, name, {
      allowInsecureConnection: /DefaultEndpointsProtocol=http;|TableEndpoint=http:/i.test(
        settings.connectionString,
      ),
    });
  }
  const credential =
    settings.clientId !== undefined
      ? new ManagedIdentityCredential({ clientId: settings.clientId })
      : new DefaultAzureCredential();
  return new TableClient(settings.tableServiceUri, name, credential);
}

/** Creates the table if it does not exist (a 409 from a concurrent creator is success). */
export async function ensureTable(client: TableClient): Promise<void> {
  await client.createTable();
}

/** A TableServiceClient, for listing and deleting tables in tests and repairs, and the start-up check. */
export function createTableServiceClient(
  settings: TablesSettings,
  options: TableServiceClientOptions = {},
): TableServiceClient {
  if (settings.kind === "connectionString") {
    return TableServiceClient.fromConnectionString(settings.connectionString, {
      ...options,
      allowInsecureConnection: /DefaultEndpointsProtocol=http;|TableEndpoint=http:/i.test(
        settings.connectionString,
      ),
    });
  }
  const credential =
    settings.clientId !== undefined
      ? new ManagedIdentityCredential({ clientId: settings.clientId })
      : new DefaultAzureCredential();
  return new TableServiceClient(settings.tableServiceUri, credential, options);
}

/**
 * Encodes an arbitrary id for use in a PartitionKey or RowKey, which may not contain
 * `/`, `\`, `#`, `?` or control characters. Reversible and order-preserving enough for prefixes.
 */
export function encodeKey(id: string): string {
  return encodeURIComponent(id).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Reverses encodeKey. */
export function decodeKey(key: string): string {
  return decodeURIComponent(key);
}
