// Service Bus topic for the public integration events (api.md). MessageId = event id feeds
// duplicate detection; SessionId = stream id keeps each stream in order for session receivers.

param namespaceName string
param location string
param tags object = {}
param topicName string = 'cartorders-events'

resource namespace 'Microsoft.ServiceBus/namespaces@2026-01-01' = {
  name: namespaceName
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
  }
}

resource topic 'Microsoft.ServiceBus/namespaces/topics@2026-01-01' = {
  parent: namespace
  name: topicName
  properties: {
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT1H'
    supportOrdering: true
    defaultMessageTimeToLive: 'P14D'
  }
}

// An example consumer: session-enabled, so it receives each stream's events in order.
resource sampleConsumer 'Microsoft.ServiceBus/namespaces/topics/subscriptions@2026-01-01' = {
  parent: topic
  name: 'sample-consumer'
  properties: {
    requiresSession: true
    maxDeliveryCount: 10
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT1M'
  }
}

output name string = namespace.name
// https://<name>.servicebus.windows.net:443/ -> <name>.servicebus.windows.net (cloud-agnostic).
output fullyQualifiedNamespace string = split(split(namespace.properties.serviceBusEndpoint, '/')[2], ':')[0]
output topicName string = topic.name
