/**
 * The one place the app's Azure clients are built: the credential it signs in with, the Table
 * Storage and Service Bus clients, the table names, and the transport rule they all obey.
 */
export { chooseCredential, credentialFor, type AzureIdentity, type CredentialChoice } from "./credential.js";
export {
  TABLES,
  createTableClient,
  createTableServiceClient,
  tableEndpointOf,
  tablesConnection,
  tableName,
  tablesSettingName,
  type TableName,
  type TablesConnection,
} from "./tables.js";
export {
  createServiceBusAdministrationClient,
  createServiceBusClient,
  serviceBusConnection,
  serviceBusSettingName,
  type ServiceBusConnection,
} from "./servicebus.js";
export { LOOPBACK_HOSTS, assertTransportAllowed, isLoopbackHost, type Transport } from "./transport.js";
