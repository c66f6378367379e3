// mailferry on Azure: `azd up` takes a subscription to a running system. One resource group holds
// a Flex Consumption function app running as a user-assigned identity, Service Bus (queues from
// the shared topology), a storage account (tables, host storage, deployment container), Key Vault
// for the Graph credentials, Log Analytics with Application Insights, and Azure Monitor alerts.
targetScope = 'subscription'

@description('Name of the azd environment; names the resource group and seeds unique resource names.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Azure region of every resource; it must offer the Flex Consumption plan.')
@minLength(1)
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Object id of the person or pipeline running azd, granted the operator roles; empty grants none.')
param principalId string = ''

@description('Kind of principal named by principalId.')
@allowed([
  'User'
  'ServicePrincipal'
  'Group'
])
param principalType string = 'User'

@description('Entra tenant id (GUID) or primary domain of the source tenant (mailboxes are exported from it).')
@minLength(3)
param graphSourceTenantId string

@description('Client id of the mailferry app registration in the source tenant.')
@minLength(36)
@maxLength(36)
param graphSourceClientId string

@description('Entra tenant id (GUID) or primary domain of the target tenant (mailboxes are imported into it).')
@minLength(3)
param graphTargetTenantId string

@description('Client id of the mailferry app registration in the target tenant.')
@minLength(36)
@maxLength(36)
param graphTargetClientId string

@description('Client id of the mailferry API app registration (app roles Migration.Reader and Migration.Operator) that App Service authentication signs admin and dashboard callers in with.')
@minLength(36)
@maxLength(36)
param apiClientId string

@description('Key Vault secret holding the source app\'s client secret; store it after provisioning.')
param graphSourceSecretName string = 'graph-source-client-secret'

@description('Key Vault secret holding the target app\'s client secret; store it after provisioning.')
param graphTargetSecretName string = 'graph-target-client-secret'

@description('Microsoft Graph endpoint; change it only for a national cloud.')
param graphBaseUrl string = 'https://graph.microsoft.com'

@description('Default IANA time zone for new waves, e.g. Europe/London (each wave keeps its own).')
param timeZone string = 'UTC'

@description('Email address for Azure Monitor alerts and mailferry\'s operations mail; empty for none.')
param alertEmail string = ''

@description('Licensed mailbox in the target tenant that mailferry\'s alert mails are sent from; empty sends no in-app mail.')
param alertMailSender string = ''

@description('HTTPS webhook for Azure Monitor alerts and mailferry\'s in-app alerts; empty for none.')
@secure()
param alertWebhookUrl string = ''

@description('Service Bus tier: Standard for one evening wave, Premium for dedicated, predictable capacity.')
@allowed([
  'Standard'
  'Premium'
])
param serviceBusSku string = 'Standard'

@description('Messaging units when serviceBusSku is Premium; ignored for Standard.')
@allowed([
  1
  2
  4
  8
  16
])
param serviceBusPremiumCapacity int = 1

@description('Memory of each function instance in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Most instances the function app may scale out to (times maxConcurrentCalls = mailbox slices at once).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Service Bus messages (mailbox slices) one instance processes at once; overrides host.json.')
@minValue(1)
@maxValue(64)
param maxConcurrentCalls int = 16

@description('Dead-lettered messages in any one queue above which the dead-letter alert fires.')
@minValue(0)
param deadLetterAlertThreshold int = 0

@description('Failed function invocations in 15 minutes above which the failures alert fires.')
@minValue(0)
param functionFailureAlertThreshold int = 10

@description('Failure rate, in percent, above which the failure-rate alert fires.')
@minValue(1)
@maxValue(100)
param failureRateAlertPercent int = 5

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
  application: 'mailferry'
}
var names = {
  resourceGroup: 'rg-${environmentName}'
  identity: 'id-mailferry-${resourceToken}'
  storage: 'stmf${resourceToken}'
  serviceBus: 'sb-mailferry-${resourceToken}'
  keyVault: 'kv-mf-${resourceToken}'
  logAnalytics: 'log-mailferry-${resourceToken}'
  applicationInsights: 'appi-mailferry-${resourceToken}'
  plan: 'plan-mailferry-${resourceToken}'
  functionApp: 'func-mailferry-${resourceToken}'
  actionGroup: 'ag-mailferry-${resourceToken}'
}
var deploymentContainerName = 'app-package'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module identity 'app/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module storage 'app/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module serviceBus 'app/servicebus.bicep' = {
  name: 'servicebus'
  scope: rg
  params: {
    name: names.serviceBus
    location: location
    tags: tags
    sku: serviceBusSku
    premiumCapacity: serviceBusPremiumCapacity
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    name: names.keyVault
    location: location
    tags: tags
    alertWebhookUrl: alertWebhookUrl
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: names.logAnalytics
    applicationInsightsName: names.applicationInsights
    location: location
    tags: tags
  }
}

module roles 'app/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    serviceBusNamespaceName: serviceBus.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    operatorPrincipalId: principalId
    operatorPrincipalType: principalType
  }
}

// Every app setting the function app gets. The drift test checks these names against the settings
// catalog (shared/config/catalog.ts): nothing required missing, nothing local-only, secrets only as
// Key Vault references.
var appSettings = {
  AzureWebJobsStorage__accountName: storage.outputs.name
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identity.outputs.clientId
  AzureFunctionsJobHost__extensions__serviceBus__maxConcurrentCalls: string(maxConcurrentCalls)
  AZURE_CLIENT_ID: identity.outputs.clientId
  MailferryTables__tableServiceUri: storage.outputs.tableEndpoint
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
  GRAPH_BASE_URL: graphBaseUrl
  GRAPH_SOURCE_TENANT_ID: graphSourceTenantId
  GRAPH_SOURCE_CLIENT_ID: graphSourceClientId
  GRAPH_SOURCE_CLIENT_SECRET: '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=${graphSourceSecretName})'
  GRAPH_TARGET_TENANT_ID: graphTargetTenantId
  GRAPH_TARGET_CLIENT_ID: graphTargetClientId
  GRAPH_TARGET_CLIENT_SECRET: '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=${graphTargetSecretName})'
  MAILFERRY_SCHEDULER_SCHEDULE: '0 * * * * *'
  MAILFERRY_SWEEPER_SCHEDULE: '30 */5 * * * *'
  MAILFERRY_ALERTS_SCHEDULE: '0 */5 * * * *'
  MAILFERRY_WATCH_SCHEDULE: '15 */5 * * * *'
  MAILFERRY_TIME_ZONE: timeZone
  // In-app alert mail needs a sender mailbox as well as the address; without one it stays off.
  MAILFERRY_OPS_MAIL_ADDRESS: empty(alertMailSender) ? '' : alertEmail
  MAILFERRY_ALERT_MAIL_FROM: alertMailSender
  MAILFERRY_ALERT_WEBHOOK_URL: empty(alertWebhookUrl) ? '' : '@Microsoft.KeyVault(VaultName=${keyVault.outputs.name};SecretName=${keyVault.outputs.webhookSecretName})'
}

module functionApp 'app/function.bicep' = {
  name: 'function'
  scope: rg
  // Roles first, so the app's first start finds its storage, queues and secrets reachable.
  dependsOn: [
    roles
  ]
  params: {
    name: names.functionApp
    planName: names.plan
    location: location
    tags: tags
    serviceName: 'api'
    identityId: identity.outputs.id
    deploymentBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
    appSettings: appSettings
    apiClientId: apiClientId
  }
}

module alerts 'app/alerts.bicep' = {
  name: 'alerts'
  scope: rg
  params: {
    actionGroupName: names.actionGroup
    location: location
    tags: tags
    alertEmail: alertEmail
    alertWebhookUrl: alertWebhookUrl
    serviceBusNamespaceId: serviceBus.outputs.id
    applicationInsightsId: monitoring.outputs.applicationInsightsId
    deadLetterThreshold: deadLetterAlertThreshold
    functionFailureThreshold: functionFailureAlertThreshold
    failureRatePercent: failureRateAlertPercent
  }
}

@description('Region the environment was deployed to.')
output AZURE_LOCATION string = location

@description('Entra tenant of the subscription.')
output AZURE_TENANT_ID string = tenant().tenantId

@description('Resource group holding every mailferry resource.')
output AZURE_RESOURCE_GROUP string = rg.name

@description('Name of the function app (for az functionapp commands).')
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name

@description('Base URL of the admin API and status page.')
output MAILFERRY_ADMIN_URL string = 'https://${functionApp.outputs.defaultHostName}'

@description('Name of the Key Vault to store the Graph client secrets in.')
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name

@description('Service Bus namespace host name; the CLI reads it under this setting name.')
output ServiceBusConnection__fullyQualifiedNamespace string = serviceBus.outputs.fullyQualifiedNamespace

@description('Table service endpoint; the CLI reads it under this setting name.')
output MailferryTables__tableServiceUri string = storage.outputs.tableEndpoint
