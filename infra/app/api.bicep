// The API: an isolated-worker .NET function app on Flex Consumption. It runs as the
// user-assigned identity and reaches every service with it: no connection string, key or
// secret appears in its settings.

param planName string
param appName string
param location string
param tags object = {}

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string
@description('Client id of that identity (DefaultAzureCredential picks it through AZURE_CLIENT_ID).')
param identityClientId string

param storageAccountName string
param storageBlobEndpoint string
@description('Blob container holding the deployment package.')
param deploymentContainerName string

param appInsightsConnectionString string
param cosmosEndpoint string
param cosmosDatabaseName string
param serviceBusNamespace string
param serviceBusTopicName string
param signalRHostName string

param authTenantId string
param authAudience string

@description('Browser origins allowed to call the API; the first is the web client.')
param allowedOrigins string[]

@description('Always-ready instances kept warm for the FeedPump timer function (0 turns it off).')
@minValue(0)
param alwaysReadyInstances int = 1

param maximumInstanceCount int = 100
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

resource api 'Microsoft.Web/sites@2025-03-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
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
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      cors: {
        allowedOrigins: allowedOrigins
        supportCredentials: false
      }
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        // The change feed is pulled by the FeedPump timer; one warm instance keeps projections,
        // order placement and publishing going while no HTTP traffic keeps the app awake.
        alwaysReady: alwaysReadyInstances > 0
          ? [
              {
                name: 'function:FeedPump'
                instanceCount: alwaysReadyInstances
              }
            ]
          : []
      }
    }
  }
}

// Names are the configuration keys the app reads; `__` separates configuration sections.
resource appSettings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: api
  name: 'appsettings'
  properties: {
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    AZURE_CLIENT_ID: identityClientId
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    Store__Provider: 'Cosmos'
    Cosmos__AccountEndpoint: cosmosEndpoint
    Cosmos__DatabaseName: cosmosDatabaseName
    Cosmos__CreateIfNotExists: 'false'
    ServiceBus__FullyQualifiedNamespace: serviceBusNamespace
    ServiceBus__TopicName: serviceBusTopicName
    SignalR__Endpoint: 'https://${signalRHostName}'
    SignalR__Hub: 'cartorders'
    Auth__Mode: 'EntraId'
    Auth__TenantId: authTenantId
    Auth__Audience: authAudience
    Auth__Instance: environment().authentication.loginEndpoint
    Auth__DevelopmentTokens: 'false'
    Cors__AllowedOrigins__0: allowedOrigins[0]
  }
}

output name string = api.name
output baseUrl string = 'https://${api.properties.defaultHostName}'
