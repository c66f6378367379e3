import { type Env, optional } from "./env.js";
import { ConfigError } from "./errors.js";

/** How to reach Service Bus: a connection string (emulator, SAS) or a namespace plus Entra identity. */
export type ServiceBusSettings =
  | { readonly kind: "connectionString"; readonly connectionString: string }
  | { readonly kind: "identity"; readonly fullyQualifiedNamespace: string; readonly clientId?: string };

/** Reads `ServiceBusConnection` or `ServiceBusConnection__fullyQualifiedNamespace` (+ `AZURE_CLIENT_ID`). */
export function readServiceBusSettings(env: Env): ServiceBusSettings {
  const connectionString = optional(env, "ServiceBusConnection");
  if (connectionString !== undefined) {
    if (!/Endpoint=sb:\/\//i.test(connectionString)) {
      throw new ConfigError("ServiceBusConnection", "must be a connection string starting Endpoint=sb://...");
    }
    return { kind: "connectionString", connectionString };
  }
  const fullyQualifiedNamespace = optional(env, "ServiceBusConnection__fullyQualifiedNamespace");
  if (fullyQualifiedNamespace === undefined) {
    throw new ConfigError(
      "ServiceBusConnection",
      "is required: set it to a connection string, or set ServiceBusConnection__fullyQualifiedNamespace",
    );
  }
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(fullyQualifiedNamespace)) {
    throw new ConfigError(
      "ServiceBusConnection__fullyQualifiedNamespace",
      `${JSON.stringify(fullyQualifiedNamespace)} is not a host name such as contoso.servicebus.windows.net`,
    );
  }
  const clientId = optional(env, "AZURE_CLIENT_ID");
  return { kind: "identity", fullyQualifiedNamespace, ...(clientId ? { clientId } : {}) };
}
