// The web client: static files on Azure Static Web Apps (Free). The function app keeps the
// /api route prefix and cannot serve `/`, so the client lives here and calls the API cross-origin.

param name string
param location string
param tags object = {}

resource web 'Microsoft.Web/staticSites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'web' })
  sku: {
    name: 'Free'
    tier: 'Free'
  }
  properties: {
    provider: 'Custom'
    allowConfigFileUpdates: true
  }
}

output name string = web.name
output origin string = 'https://${web.properties.defaultHostname}'
