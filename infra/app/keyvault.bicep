// Key Vault holds the Graph app credentials (client secrets or certificates) and the alert
// webhook. The function app reads them through Key Vault references with its identity; the
// vault uses Azure RBAC, so no access policies exist to drift.

@description('Name of the vault (3-24 letters, digits and hyphens).')
param name string

@description('Azure region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags object

@description('Webhook URL stored as a secret for the in-app alerts; empty stores nothing.')
@secure()
param alertWebhookUrl string = ''

@description('Forbid purging deleted secrets for the retention period. Once on it cannot be turned off.')
param enablePurgeProtection bool = false

var webhookSecretName = 'alert-webhook-url'

var vaultProperties = {
  tenantId: subscription().tenantId
  sku: {
    family: 'A'
    name: 'standard'
  }
  enableRbacAuthorization: true
  enableSoftDelete: true
  softDeleteRetentionInDays: 90
  publicNetworkAccess: 'Enabled'
}

var purgeProtection = {
  enablePurgeProtection: true
}

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  // The service rejects an explicit false for purge protection, so it is only ever added as true.
  properties: union(vaultProperties, enablePurgeProtection ? purgeProtection : {})
}

resource webhookSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(alertWebhookUrl)) {
  parent: vault
  name: webhookSecretName
  properties: {
    value: alertWebhookUrl
    contentType: 'text/plain'
  }
}

@description('Name of the vault, as Key Vault references name it.')
output name string = vault.name

@description('URI of the vault, e.g. https://kv-x.vault.azure.net/.')
output uri string = vault.properties.vaultUri

@description('Name of the secret holding the alert webhook URL (present only when a URL was given).')
output webhookSecretName string = webhookSecretName
