// The function app on the Flex Consumption plan (Linux). It runs as the user-assigned identity:
// the deployment package, host storage, Service Bus, tables and Key Vault references all sign in
// with it, so the app holds no keys or connection strings.

@description('Name of the function app.')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app.')
param tags object

@description('azd service name in azure.yaml; azd finds the app to deploy to by this tag.')
param serviceName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Blob endpoint of the storage account holding the deployment container.')
param deploymentBlobEndpoint string

@description('Blob container Flex Consumption deploys the app package into.')
param deploymentContainerName string

@description('Memory of each instance in MB; CPU and network grow with it.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int

@description('Upper bound on instances the platform may scale the app out to.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('App settings of the function app, built in main.bicep and checked against the settings catalog.')
param appSettings object

@description('Client id of the mailferry API app registration whose app roles (Migration.Reader, Migration.Operator) sign callers in.')
@minLength(36)
@maxLength(36)
param apiClientId string

resource plan 'Microsoft.Web/serverfarms@2024-11-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2024-11-01' = {
  name: name
  location: location
  tags: union(tags, {
    'azd-service-name': serviceName
  })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Key Vault references resolve with the user-assigned identity, not a system one.
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${deploymentBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

resource settings 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'appsettings'
  properties: appSettings
}

// App Service authentication in front of every HTTP function: callers sign in with Microsoft
// Entra ID against the mailferry API registration, and a request without a valid sign-in gets a
// 401 before it reaches the app. The platform then writes x-ms-client-principal (with the app
// roles as `roles` claims) after removing any such header the caller sent, and sets
// WEBSITE_AUTH_ENABLED, without which the app trusts no principal header at all.
resource authentication 'Microsoft.Web/sites/config@2024-11-01' = {
  parent: site
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          clientId: apiClientId
        }
        validation: {
          allowedAudiences: [
            'api://${apiClientId}'
            apiClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
  }
}

@description('Name of the function app.')
output name string = site.name

@description('Default host name of the function app (admin API and status page).')
output defaultHostName string = site.properties.defaultHostName
