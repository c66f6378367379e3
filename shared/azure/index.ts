/**
 * The one place the app's Azure clients are built: the credential it signs in with, the Table
 * Storage and Service Bus clients, the table names, and the transport rule they all obey.
 */
export { credentialFor, type AzureIdentity } from "./credential.js";
export {
  TABLES,
  createTableClient,
  createTableServiceClient,
  tableEndpointOf,
  tableName,
  tablesSettingName,
  type TableName,
} from "./tables.js";
export {
  createServiceBusAdministrationClient,
  createServiceBusClient,
  serviceBusSettingName,
} from "./servicebus.js";
export { LOOPBACK_HOSTS, assertTransportAllowed, isLoopbackHost, type Transport } from "./transport.js";
