import { parseServiceBusConnectionString } from "@azure/service-bus";
import { type Env, guidSetting, invalidSetting, optional } from "./env.js";
import { ConfigError } from "./errors.js";

/** How to reach Service Bus: a connection string (emulator, SAS) or a namespace plus Entra identity. */
export type ServiceBusSettings =
  | { readonly kind: "connectionString"; readonly connectionString: string }
  | { readonly kind: "identity"; readonly fullyQualifiedNamespace: string; readonly clientId?: string };

const CONNECTION_STRING_ALLOWED =
  "a connection string Endpoint=sb://<namespace>;SharedAccessKeyName=...;SharedAccessKey=... (or SharedAccessSignature=...)";
const HOST_NAME = /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i;

function checkConnectionString(name: string, connectionString: string): void {
  let endpoint: string;
  let signed: boolean;
  try {
    // The SDK's own parser: what it accepts is what the client will be built from.
    const parsed = parseServiceBusConnectionString(connectionString);
    endpoint = parsed.endpoint;
    signed = parsed.sharedAccessKey !== undefined || parsed.sharedAccessSignature !== undefined;
  } catch {
    throw invalidSetting(name, connectionString, CONNECTION_STRING_ALLOWED);
  }
  const host = /^sb:\/\/([^/;]+)\/?$/i.exec(endpoint)?.[1];
  if (host === undefined || !signed) throw invalidSetting(name, connectionString, CONNECTION_STRING_ALLOWED);
}

/**
 * Reads a Service Bus connection the way the Functions host resolves a binding's `connection`:
 * `<name>` as a connection string, or `<name>__fullyQualifiedNamespace` (+ `AZURE_CLIENT_ID`).
 * With the namespace, `<name>__credential` (only `managedidentity`) and `<name>__clientId` are
 * what the host's trigger signs in with; they are checked here so a typo stops the app at start.
 */
export function readServiceBusSettings(env: Env, name = "ServiceBusConnection"): ServiceBusSettings {
  const connectionString = optional(env, name);
  if (connectionString !== undefined) {
    checkConnectionString(name, connectionString);
    return { kind: "connectionString", connectionString };
  }
  const fullyQualifiedNamespace = optional(env, `${name}__fullyQualifiedNamespace`);
  if (fullyQualifiedNamespace === undefined) {
    throw new ConfigError(
      name,
      `is required: set it to a connection string, or set ${name}__fullyQualifiedNamespace`,
    );
  }
  if (!HOST_NAME.test(fullyQualifiedNamespace)) {
    throw invalidSetting(
      `${name}__fullyQualifiedNamespace`,
      fullyQualifiedNamespace,
      "a host name such as contoso.servicebus.windows.net",
    );
  }
  const credential = optional(env, `${name}__credential`);
  if (credential !== undefined && credential.toLowerCase() !== "managedidentity") {
    throw invalidSetting(`${name}__credential`, credential, "managedidentity");
  }
  guidSetting(env, `${name}__clientId`);
  const clientId = optional(env, "AZURE_CLIENT_ID");
  return { kind: "identity", fullyQualifiedNamespace, ...(clientId ? { clientId } : {}) };
}
