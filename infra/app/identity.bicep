// The one user-assigned identity the function app runs as. It exists before the app, so its role
// assignments can be in place by the time the app first starts.

@description('Name of the user-assigned managed identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity, as the function app and Key Vault references name it.')
output id string = identity.id

@description('Object id of the identity\'s service principal, for role assignments.')
output principalId string = identity.properties.principalId

@description('Client id of the identity, for AZURE_CLIENT_ID and the host\'s identity-based connections.')
output clientId string = identity.properties.clientId
