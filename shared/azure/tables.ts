/**
 * Table Storage clients, every one of them built here: from a connection string (Azurite, a shared
 * key or SAS) or from the table endpoint with the app's Entra identity, under the transport rule.
 */
import { TableClient, TableServiceClient, type TableServiceClientOptions } from "@azure/data-tables";
import type { TokenCredential } from "@azure/identity";
import type { TablesSettings } from "../config/index.js";
import { connectionStringValue } from "./connection-string.js";
import { credentialFor } from "./credential.js";
import { assertTransportAllowed } from "./transport.js";

/**
 * Every table the app keeps, by logical name; the settings' prefix goes in front of each
 * (`accounts` is `mailferryaccounts` with the default prefix).
 */
export const TABLES = {
  /** The migration store: one row per account, and the wave counters. */
  accounts: "accounts",
  /** The migration store: one row per wave. */
  waves: "waves",
  /** The activity log the dashboard and the CLI read. */
  activity: "activity",
  /** The scheduler's release ledger (sends it intends and has made). */
  releases: "releases",
  /** The transfer engine's per-folder checkpoints. */
  transfer: "transfer",
  /** Alert rule states, so a breach is notified once. */
  alerts: "alerts",
  /** The log of operator commands. */
  operatorActions: "operatoractions",
} as const;

/** A table the app keeps. */
export type TableName = keyof typeof TABLES;

/** The full table name for a logical table (`accounts` → `mailferryaccounts`). */
export function tableName(settings: Pick<TablesSettings, "tablePrefix">, table: TableName): string {
  return `${settings.tablePrefix}${TABLES[table]}`;
}

/** The setting the Table Storage connection comes from (named in errors). */
export function tablesSettingName(settings: TablesSettings): string {
  return settings.kind === "connectionString" ? "MailferryTables" : "MailferryTables__tableServiceUri";
}

/**
 * The table endpoint a connection string leads the SDK to: Azurite's own for
 * `UseDevelopmentStorage=true`, `TableEndpoint`, or the one built from the protocol, account and
 * suffix. Undefined when there is none (the SDK then refuses the string itself).
 */
export function tableEndpointOf(connectionString: string): string | undefined {
  if (connectionStringValue(connectionString, "UseDevelopmentStorage")?.toLowerCase() === "true")
    return "http://127.0.0.1:10002/devstoreaccount1";
  const endpoint = connectionStringValue(connectionString, "TableEndpoint");
  if (endpoint) return endpoint;
  const protocol = connectionStringValue(connectionString, "DefaultEndpointsProtocol");
  const account = connectionStringValue(connectionString, "AccountName");
  const suffix = connectionStringValue(connectionString, "EndpointSuffix");
  return protocol && account && suffix ? `${protocol}://${account}.table.${suffix}` : undefined;
}

/** Whether the SDK must allow plain http (only ever to this machine: see `assertTransportAllowed`). */
function allowsPlainHttp(setting: string, value: string, endpoint: string | undefined): boolean {
  if (endpoint === undefined) return false;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false; // Not a URL: the SDK reports the malformed endpoint.
  }
  return assertTransportAllowed({ setting, value, host: url.hostname, plain: url.protocol === "http:" });
}

/** How the settings reach Table Storage, decided once for the table and service clients alike. */
export type TablesConnection =
  | { readonly connectionString: string; readonly allowInsecureConnection: boolean }
  | { readonly url: string; readonly credential: TokenCredential; readonly allowInsecureConnection: boolean };

/** Decides how the settings reach Table Storage; throws a ConfigError when the transport rule refuses. */
export function tablesConnection(settings: TablesSettings): TablesConnection {
  const setting = tablesSettingName(settings);
  if (settings.kind === "connectionString") {
    const { connectionString } = settings;
    const allowInsecureConnection = allowsPlainHttp(
      setting,
      connectionString,
      tableEndpointOf(connectionString),
    );
    return { connectionString, allowInsecureConnection };
  }
  const url = settings.tableServiceUri;
  return {
    url,
    credential: credentialFor({ clientId: settings.clientId }),
    allowInsecureConnection: allowsPlainHttp(setting, url, url),
  };
}

/** A TableClient for one of the app's tables. Throws a ConfigError when the transport rule refuses. */
export function createTableClient(settings: TablesSettings, table: TableName): TableClient {
  const name = tableName(settings, table);
  const connection = tablesConnection(settings);
  const options = { allowInsecureConnection: connection.allowInsecureConnection };
  return "connectionString" in connection
    ? TableClient.fromConnectionString(connection.connectionString, name, options)
    : new TableClient(connection.url, name, connection.credential, options);
}

/** A TableServiceClient, for the start-up check and for listing and deleting tables in repairs. */
export function createTableServiceClient(
  settings: TablesSettings,
  options: TableServiceClientOptions = {},
): TableServiceClient {
  const connection = tablesConnection(settings);
  const withTransport = { ...options, allowInsecureConnection: connection.allowInsecureConnection };
  return "connectionString" in connection
    ? TableServiceClient.fromConnectionString(connection.connectionString, withTransport)
    : new TableServiceClient(connection.url, connection.credential, withTransport);
}
