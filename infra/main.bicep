// CartOrders in Azure: `azd up` provisions this, then deploys the `api` (function app) and `web`
// (static web app) services named in azure.yaml onto the resources tagged with those names.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Region for every resource (the static web app falls back to a supported region).')
param location string

@description('Object id of the deploying user (azd fills AZURE_PRINCIPAL_ID); given Cosmos data access when set.')
param principalId string = ''

@description('Microsoft Entra tenant that issues the API\'s tokens; empty means this subscription\'s tenant.')
param entraTenantId string = tenant().tenantId

@minLength(1)
@description('Application (client) id of the API\'s Entra app registration; set by the preprovision hook (infra/hooks).')
param apiClientId string

@description('Audience the API accepts in access tokens; empty means api://<apiClientId>.')
param apiAudience string = 'api://${apiClientId}'

@description('Cosmos DB capacity: serverless (nothing at rest) or database-level autoscale.')
@allowed([
  'serverless'
  'autoscale'
])
param cosmosThroughputMode string = 'serverless'

@description('Autoscale maximum RU/s of the database, when cosmosThroughputMode is autoscale.')
@minValue(1000)
param cosmosAutoscaleMaxThroughput int = 1000

@description('Azure SignalR Service tier: Standard_S1 for real use, Free_F1 (20 connections) costs nothing.')
@allowed([
  'Standard_S1'
  'Free_F1'
])
param signalRSku string = 'Standard_S1'

@description('Always-ready instances for the FeedPump function (0 turns them off).')
@minValue(0)
param alwaysReadyInstances int = 1

@description('Browser origins allowed besides the web client, e.g. http://localhost:5173.')
param extraAllowedOrigins string[] = []

@description('Region of the static web app; empty picks location when supported, else eastus2.')
param staticWebAppLocation string = ''

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

var authTenantId = empty(entraTenantId) ? tenant().tenantId : entraTenantId
var authAudience = empty(apiAudience) ? 'api://${apiClientId}' : apiAudience

// Static Web Apps run their management plane in a few regions only.
var staticWebAppRegions = ['centralus', 'eastus2', 'eastasia', 'westeurope', 'westus2']
var webLocation = !empty(staticWebAppLocation)
  ? staticWebAppLocation
  : (contains(staticWebAppRegions, location) ? location : 'eastus2')

var deploymentContainerName = 'app-package'

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: '${abbrs.resourceGroup}${environmentName}'
  location: location
  tags: tags
}

module identity 'core/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: '${abbrs.managedIdentity}${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'core/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${abbrs.logAnalytics}${resourceToken}'
    appInsightsName: '${abbrs.appInsights}${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'core/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: '${abbrs.storageAccount}${resourceToken}'
    location: location
    tags: tags
    containers: [deploymentContainerName]
  }
}

module cosmos 'app/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    accountName: '${abbrs.cosmosAccount}${resourceToken}'
    location: location
    tags: tags
    throughputMode: cosmosThroughputMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
  }
}

module messaging 'app/messaging.bicep' = {
  name: 'messaging'
  scope: rg
  params: {
    namespaceName: '${abbrs.serviceBusNamespace}${resourceToken}'
    location: location
    tags: tags
  }
}

module web 'app/web.bicep' = {
  name: 'web'
  scope: rg
  params: {
    name: '${abbrs.staticWebApp}${resourceToken}'
    location: webLocation
    tags: tags
  }
}

// The web client first: the app's own CORS setting (Cors__AllowedOrigins__0) names only it.
var allowedOrigins = concat([web.outputs.origin], extraAllowedOrigins)

module realtime 'app/realtime.bicep' = {
  name: 'realtime'
  scope: rg
  params: {
    name: '${abbrs.signalR}${resourceToken}'
    location: location
    tags: tags
    sku: signalRSku
    allowedOrigins: allowedOrigins
  }
}

module api 'app/api.bicep' = {
  name: 'api'
  scope: rg
  params: {
    planName: '${abbrs.functionPlan}${resourceToken}'
    appName: '${abbrs.functionApp}${resourceToken}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    serviceBusNamespace: messaging.outputs.fullyQualifiedNamespace
    serviceBusTopicName: messaging.outputs.topicName
    signalRHostName: realtime.outputs.hostName
    authTenantId: authTenantId
    authAudience: authAudience
    allowedOrigins: allowedOrigins
    alwaysReadyInstances: alwaysReadyInstances
  }
}

module access 'app/access.bicep' = {
  name: 'access'
  scope: rg
  params: {
    appPrincipalId: identity.outputs.principalId
    userPrincipalId: principalId
    cosmosAccountName: cosmos.outputs.accountName
    serviceBusNamespaceName: messaging.outputs.name
    signalRName: realtime.outputs.name
    storageAccountName: storage.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = api.outputs.name
output AZURE_STATIC_WEB_APP_NAME string = web.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output API_BASE_URL string = api.outputs.baseUrl
output API_SCOPE string = '${authAudience}/access_as_user'
output ENTRA_TENANT_ID string = authTenantId
output WEB_URL string = web.outputs.origin
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output SERVICEBUS_NAMESPACE string = messaging.outputs.fullyQualifiedNamespace
output SIGNALR_ENDPOINT string = 'https://${realtime.outputs.hostName}'
output APPLICATIONINSIGHTS_CONNECTION_STRING string = monitoring.outputs.appInsightsConnectionString
