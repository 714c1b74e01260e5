// Cosmos DB for NoSQL: the event store, the read-model views and the change-feed leases.
// Keys are disabled (data plane through Entra RBAC only) and so is key-based metadata write
// access: containers are created here, never by the app (Cosmos__CreateIfNotExists=false).

param accountName string
param location string
param tags object = {}

@description('serverless: pay per request, nothing at rest. autoscale: provisioned throughput shared by the database.')
@allowed([
  'serverless'
  'autoscale'
])
param throughputMode string = 'serverless'

@description('Autoscale maximum RU/s for the database (autoscale mode only).')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

param databaseName string = 'cartorders'

var serverless = throughputMode == 'serverless'

resource account 'Microsoft.DocumentDB/databaseAccounts@2025-04-15' = {
  name: accountName
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    // Strong: a read on any function instance sees every write acknowledged before it began (the
    // read-your-writes api.md promises for single carts and orders); Session would give that only
    // to the instance holding the writer's session token. Reads cost twice the RU (docs/cosmos.md).
    consistencyPolicy: {
      defaultConsistencyLevel: 'Strong'
    }
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    capabilities: serverless ? [{ name: 'EnableServerless' }] : []
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2025-04-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
    // Serverless accounts reject any throughput setting; autoscale is shared by all containers.
    options: serverless ? {} : { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } }
  }
}

// One partition per stream, so an append (events + idempotency record) is one transactional
// batch. Only the envelope is indexed; the `data` payload never is. TTL is on with no default
// expiry: events live forever, idempotency records carry their own `ttl`.
resource events 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = {
  parent: database
  name: 'events'
  properties: {
    resource: {
      id: 'events'
      partitionKey: {
        paths: ['/streamId']
        kind: 'Hash'
        version: 2
      }
      defaultTtl: -1
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          { path: '/streamId/?' }
          { path: '/version/?' }
          { path: '/kind/?' }
          { path: '/userId/?' }
          { path: '/_ts/?' }
        ]
        excludedPaths: [
          { path: '/*' }
        ]
      }
    }
  }
}

// Read models (cart lists by member, order lists by customer), partitioned by `pk`.
resource views 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = {
  parent: database
  name: 'views'
  properties: {
    resource: {
      id: 'views'
      partitionKey: {
        paths: ['/pk']
        kind: 'Hash'
        version: 2
      }
      indexingPolicy: {
        indexingMode: 'consistent'
        automatic: true
        includedPaths: [
          { path: '/kind/?' }
          { path: '/members/*' }
          { path: '/customerId/?' }
          { path: '/updatedAt/?' }
          { path: '/createdAt/?' }
        ]
        excludedPaths: [
          { path: '/*' }
        ]
      }
    }
  }
}

// Change-feed checkpoints, one document per feed consumer and range.
resource leases 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2025-04-15' = {
  parent: database
  name: 'leases'
  properties: {
    resource: {
      id: 'leases'
      partitionKey: {
        paths: ['/id']
        kind: 'Hash'
        version: 2
      }
    }
  }
}

output accountName string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
