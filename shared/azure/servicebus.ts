/**
 * Service Bus clients, every one of them built here: from a connection string (the emulator, or
 * SAS) or from the namespace with the app's Entra identity, under the transport rule.
 */
import { parseConnectionString } from "@azure/core-amqp";
import {
  ServiceBusAdministrationClient,
  ServiceBusClient,
  type ServiceBusClientOptions,
} from "@azure/service-bus";
import type { TokenCredential } from "@azure/identity";
import type { ServiceBusSettings } from "../config/index.js";
import { credentialFor } from "./credential.js";
import { assertTransportAllowed } from "./transport.js";

/** The setting a Service Bus connection comes from by default (a binding may name another). */
export function serviceBusSettingName(
  settings: ServiceBusSettings,
  connection = "ServiceBusConnection",
): string {
  return settings.kind === "connectionString" ? connection : `${connection}__fullyQualifiedNamespace`;
}

/** The endpoint host of a connection string, and whether the SDK would speak AMQP without TLS. */
function transportOf(connectionString: string): { host: string; plain: boolean } | undefined {
  try {
    const parsed = parseConnectionString<{ Endpoint?: string; UseDevelopmentEmulator?: string }>(
      connectionString,
    );
    // Read exactly as the SDK reads it: only the literal "true" turns TLS off.
    return { host: new URL(parsed.Endpoint ?? "").hostname, plain: parsed.UseDevelopmentEmulator === "true" };
  } catch {
    return undefined; // Malformed: the SDK refuses the string itself.
  }
}

/** How the settings reach Service Bus, decided once for the messaging and administration clients. */
export type ServiceBusConnection =
  | { readonly connectionString: string }
  | { readonly fullyQualifiedNamespace: string; readonly credential: TokenCredential };

/** Decides how the settings reach Service Bus; throws a ConfigError when the transport rule refuses. */
export function serviceBusConnection(
  settings: ServiceBusSettings,
  connection?: string,
): ServiceBusConnection {
  if (settings.kind === "identity") {
    const { fullyQualifiedNamespace, clientId } = settings;
    return { fullyQualifiedNamespace, credential: credentialFor({ clientId }) };
  }
  const { connectionString } = settings;
  const transport = transportOf(connectionString);
  if (transport !== undefined) {
    const setting = serviceBusSettingName(settings, connection);
    assertTransportAllowed({ setting, value: connectionString, ...transport });
  }
  return { connectionString };
}

/**
 * A Service Bus client for the settings. `connection` is the setting's name (a Functions binding's
 * `connection`), named in the error when the transport rule refuses the connection string.
 */
export function createServiceBusClient(
  settings: ServiceBusSettings,
  options: ServiceBusClientOptions = {},
  connection?: string,
): ServiceBusClient {
  const reach = serviceBusConnection(settings, connection);
  return "connectionString" in reach
    ? new ServiceBusClient(reach.connectionString, options)
    : new ServiceBusClient(reach.fullyQualifiedNamespace, reach.credential, options);
}

/** A Service Bus administration client (queue runtime properties, for dead-letter depths). */
export function createServiceBusAdministrationClient(
  settings: ServiceBusSettings,
  connection?: string,
): ServiceBusAdministrationClient {
  const reach = serviceBusConnection(settings, connection);
  return "connectionString" in reach
    ? new ServiceBusAdministrationClient(reach.connectionString)
    : new ServiceBusAdministrationClient(reach.fullyQualifiedNamespace, reach.credential);
}
