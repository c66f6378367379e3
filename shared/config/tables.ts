import { type Env, invalidSetting, optional } from "./env.js";
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

const CONNECTION_STRING_ALLOWED =
  "a storage connection string: AccountName=...;AccountKey=<base64>;TableEndpoint=http(s)://... (or UseDevelopmentStorage=true)";
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function isHttpUrl(value: string, schemes: readonly string[]): boolean {
  try {
    return schemes.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

/** Checks a storage connection string as the Tables SDK reads it: key=value pairs, a key in base64. */
function checkConnectionString(connectionString: string): void {
  const parts = new Map<string, string>();
  for (const part of connectionString.split(";")) {
    if (part.trim() === "") continue;
    const at = part.indexOf("=");
    if (at <= 0) throw invalidSetting("MailferryTables", connectionString, CONNECTION_STRING_ALLOWED);
    parts.set(part.slice(0, at).trim().toLowerCase(), part.slice(at + 1).trim());
  }
  if (parts.get("usedevelopmentstorage")?.toLowerCase() === "true") return;
  const endpoint = parts.get("tableendpoint");
  const key = parts.get("accountkey");
  const sas = parts.get("sharedaccesssignature");
  const wellFormed =
    parts.has("accountname") || endpoint !== undefined
      ? (endpoint === undefined || isHttpUrl(endpoint, ["http:", "https:"])) &&
        (key === undefined || BASE64.test(key)) &&
        (key !== undefined || sas !== undefined)
      : false;
  if (!wellFormed) throw invalidSetting("MailferryTables", connectionString, CONNECTION_STRING_ALLOWED);
}

/** Reads `MailferryTables` or `MailferryTables__tableServiceUri` (+ `AZURE_CLIENT_ID`, `MailferryTablePrefix`). */
export function readTablesSettings(env: Env): TablesSettings {
  const tablePrefix = optional(env, "MailferryTablePrefix") ?? "mailferry";
  if (!/^[A-Za-z][A-Za-z0-9]{0,39}$/.test(tablePrefix)) {
    throw invalidSetting(
      "MailferryTablePrefix",
      tablePrefix,
      "letters and digits, starting with a letter, at most 40 characters",
    );
  }
  const connectionString = optional(env, "MailferryTables");
  if (connectionString !== undefined) {
    checkConnectionString(connectionString);
    return { kind: "connectionString", connectionString, tablePrefix };
  }
  const tableServiceUri = optional(env, "MailferryTables__tableServiceUri");
  if (tableServiceUri === undefined) {
    throw new ConfigError(
      "MailferryTables",
      "is required: set it to a connection string, or set MailferryTables__tableServiceUri",
    );
  }
  // Entra tokens travel only over TLS: the SDK refuses a bearer token on plain http.
  if (!isHttpUrl(tableServiceUri, ["https:"])) {
    throw invalidSetting(
      "MailferryTables__tableServiceUri",
      tableServiceUri,
      "an https:// URL such as https://account.table.core.windows.net/",
    );
  }
  const clientId = optional(env, "AZURE_CLIENT_ID");
  return { kind: "identity", tableServiceUri, tablePrefix, ...(clientId ? { clientId } : {}) };
}
