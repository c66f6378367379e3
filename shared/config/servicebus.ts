import { type Env, optional } from "./env.js";
import { ConfigError } from "./errors.js";

/** How to reach Service Bus: a connection string (emulator, SAS) or a namespace plus Entra identity. */
export type ServiceBusSettings =
  | { readonly kind: "connectionString"; readonly connectionString: string }
  | { readonly kind: "identity"; readonly fullyQualifiedNamespace: string; readonly clientId?: string };

/**
 * Reads a Service Bus connection the way the Functions host resolves a binding's `connection`:
 * `<name>` as a connection string, or `<name>__fullyQualifiedNamespace` (+ `AZURE_CLIENT_ID`).
 */
export function readServiceBusSettings(env: Env, name = "ServiceBusConnection"): ServiceBusSettings {
  const connectionString = optional(env, name);
  if (connectionString !== undefined) {
    if (!/Endpoint=sb:\/\//i.test(connectionString)) {
      throw new ConfigError(name, "must be a connection string starting Endpoint=sb://...");
    }
    return { kind: "connectionString", connectionString };
  }
  const fullyQualifiedNamespace = optional(env, `${name}__fullyQualifiedNamespace`);
  if (fullyQualifiedNamespace === undefined) {
    throw new ConfigError(
      name,
      `is required: set it to a connection string, or set ${name}__fullyQualifiedNamespace`,
    );
  }
  if (!/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(fullyQualifiedNamespace)) {
    throw new ConfigError(
      `${name}__fullyQualifiedNamespace`,
      `${JSON.stringify(fullyQualifiedNamespace)} is not a host name such as contoso.servicebus.windows.net`,
    );
  }
  const clientId = optional(env, "AZURE_CLIENT_ID");
  return { kind: "identity", fullyQualifiedNamespace, ...(clientId ? { clientId } : {}) };
}
