import { type Env, optional } from "./env.js";
import { ConfigError } from "./errors.js";

/** How to reach Table Storage: a connection string (Azurite) or an endpoint plus Entra identity. */
export type TablesSettings =
  | { readonly kind: "connectionString"; readonly connectionString: string; readonly tablePrefix: string }
  | {
      readonly kind: "identity";
      readonly tableServiceUri: string;
      readonly clientId?: string;
      readonly tablePrefix: string;
    };

/** Reads `MailferryTables` or `MailferryTables__tableServiceUri` (+ `AZURE_CLIENT_ID`, `MailferryTablePrefix`). */
export function readTablesSettings(env: Env): TablesSettings {
  const tablePrefix = optional(env, "MailferryTablePrefix") ?? "mailferry";
  if (!/^[A-Za-z][A-Za-z0-9]{0,39}$/.test(tablePrefix)) {
    throw new ConfigError("MailferryTablePrefix", "must be letters and digits, starting with a letter");
  }
  const connectionString = optional(env, "MailferryTables");
  if (connectionString !== undefined) {
    if (!/(TableEndpoint=|UseDevelopmentStorage=true|AccountName=)/i.test(connectionString)) {
      throw new ConfigError("MailferryTables", "must be a storage connection string with a TableEndpoint");
    }
    return { kind: "connectionString", connectionString, tablePrefix };
  }
  const tableServiceUri = optional(env, "MailferryTables__tableServiceUri");
  if (tableServiceUri === undefined) {
    throw new ConfigError(
      "MailferryTables",
      "is required: set it to a connection string, or set MailferryTables__tableServiceUri",
    );
  }
  if (!/^https?:\/\//.test(tableServiceUri)) {
    throw new ConfigError("MailferryTables__tableServiceUri", "must be an https:// URL");
  }
  const clientId = optional(env, "AZURE_CLIENT_ID");
  return { kind: "identity", tableServiceUri, tablePrefix, ...(clientId ? { clientId } : {}) };
}
