import { ServiceBusClient, type ServiceBusClientOptions } from "@azure/service-bus";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import type { ServiceBusSettings } from "../config/index.js";

/**
 * Creates a Service Bus client from settings: a connection string (the emulator, or SAS) or a
 * namespace reached with Entra ID (a user-assigned managed identity when a client id is set).
 */
export function createServiceBusClient(
  settings: ServiceBusSettings,
  options: ServiceBusClientOptions = {},
): ServiceBusClient {
  if (settings.kind === "connectionString") return new ServiceBusClient(settings.connectionString, options);
  const credential =
    settings.clientId !== undefined
      ? new ManagedIdentityCredential({ clientId: settings.clientId })
      : new DefaultAzureCredential();
  return new ServiceBusClient(settings.fullyQualifiedNamespace, credential, options);
}
