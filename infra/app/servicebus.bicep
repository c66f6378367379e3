// The Service Bus namespace and its queues. The queues come from queues.json, which is generated
// from shared/bus/topology.ts (the definition the code and the emulator use), never edited here.

@description('Name of the Service Bus namespace (6-50 letters, digits and hyphens).')
param name string

@description('Azure region of the namespace.')
param location string

@description('Tags applied to the namespace.')
param tags object

@description('Tier: Standard (shared capacity) or Premium (dedicated messaging units).')
@allowed([
  'Standard'
  'Premium'
])
param sku string = 'Standard'

@description('Messaging units of a Premium namespace; ignored for Standard.')
@allowed([
  1
  2
  4
  8
  16
])
param premiumCapacity int = 1

// Property names in queues.json are the ARM property names, so each one is wired through as is.
var queueDefinitions = loadJsonContent('../queues.json').queues

var skus = {
  Standard: {
    name: 'Standard'
    tier: 'Standard'
  }
  Premium: {
    name: 'Premium'
    tier: 'Premium'
    capacity: premiumCapacity
  }
}

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: skus[sku]
  properties: {
    // SAS keys off: only Entra identities with a data role can send or receive.
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [
  for queue in queueDefinitions: {
    parent: namespace
    name: queue.name
    properties: {
      lockDuration: queue.lockDuration
      maxDeliveryCount: queue.maxDeliveryCount
      requiresDuplicateDetection: queue.requiresDuplicateDetection
      duplicateDetectionHistoryTimeWindow: queue.duplicateDetectionHistoryTimeWindow
      defaultMessageTimeToLive: queue.defaultMessageTimeToLive
      deadLetteringOnMessageExpiration: queue.deadLetteringOnMessageExpiration
      requiresSession: false
    }
  }
]

@description('Name of the namespace.')
output name string = namespace.name

@description('Resource id of the namespace, the scope of its role assignments and metric alerts.')
output id string = namespace.id

@description('Host name clients connect to, e.g. sb-x.servicebus.windows.net.')
output fullyQualifiedNamespace string = split(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':')[0]

@description('Names of the queues created from queues.json.')
output queueNames array = [for (queue, index) in queueDefinitions: queues[index].name]
