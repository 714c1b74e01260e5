// Azure SignalR Service in serverless mode: the function app pushes through the REST API and
// hands clients over at negotiate. Access keys are off; the app authenticates with Entra ID.

param name string
param location string
param tags object = {}

@allowed([
  'Standard_S1'
  'Free_F1'
])
param sku string = 'Standard_S1'

@description('Browser origins allowed to connect (the web client).')
param allowedOrigins string[]

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'SignalR'
  sku: {
    name: sku
    tier: sku == 'Free_F1' ? 'Free' : 'Standard'
    capacity: 1
  }
  properties: {
    features: [
      {
        flag: 'ServiceMode'
        value: 'Serverless'
      }
      {
        flag: 'EnableConnectivityLogs'
        value: 'True'
      }
    ]
    cors: {
      allowedOrigins: allowedOrigins
    }
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    tls: {
      clientCertEnabled: false
    }
  }
}

output name string = signalR.name
output hostName string = signalR.properties.hostName
