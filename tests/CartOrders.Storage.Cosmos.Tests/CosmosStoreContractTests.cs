using CartOrders.CosmosServer;
using CartOrders.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Cosmos.Tests;

/// <summary>
/// The store contract against a Cosmos endpoint: the emulator or an account named by
/// COSMOS_CONNECTION_STRING, or else an in-process local Cosmos server (tests/CartOrders.CosmosServer),
/// in a database of its own that is deleted afterwards.
/// </summary>
public sealed class CosmosStoreContractTests(CosmosContractDatabase fixture) : StoreContract, IClassFixture<CosmosContractDatabase>
{
    protected override Task<StoreUnderTest> CreateStoreAsync()
    {
        var database = fixture.Database;
        var requests = fixture.Requests;
        var events = new CosmosEventStore(database, requests);
        return Task.FromResult(new StoreUnderTest(
            events,
            new CosmosEventFeed(database, requests),
            new CosmosCheckpointStore(database, requests),
            new CosmosViewStore(database, requests),
            () => ValueTask.CompletedTask));
    }
}

/// <summary>
/// A fresh database per run (so the feed sees only this run's events), deleted at the end, on the
/// endpoint COSMOS_CONNECTION_STRING names, or on a local Cosmos server started for the run.
/// </summary>
public sealed class CosmosContractDatabase : IAsyncLifetime
{
    public const string Variable = "COSMOS_CONNECTION_STRING";

    internal CosmosRequests Requests { get; } = new(NullLogger<CosmosRequests>.Instance);

    private LocalCosmosServer? _local;

    internal CosmosDatabase Database { get; private set; } = null!;

    /// <summary>The endpoint the database is on, for a test that needs a store with other settings on it.</summary>
    internal string ConnectionString { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            // Several physical ranges, as a production container has: the feed and cross-partition queries span them.
            _local = await LocalCosmosServer.StartAsync(new LocalCosmosServerOptions { PartitionKeyRanges = 4 }, TestContext.Current.CancellationToken);
            connectionString = _local.ConnectionString;
        }

        ConnectionString = connectionString;

        var options = new CosmosStoreOptions
        {
            ConnectionString = connectionString,
            DatabaseName = $"cartorders-test-{Guid.NewGuid():N}",
            CreateIfNotExists = true,
            FeedPollInterval = TimeSpan.FromMilliseconds(250),
        };
        var validation = new CosmosStoreOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new InvalidOperationException(validation.FailureMessage);
        }

        Database = new CosmosDatabase(Options.Create(options), Requests, NullLogger<CosmosDatabase>.Instance);
        await Database.ReadyAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (Database is { } database)
            {
                try
                {
                    await database.Client.GetDatabase(database.Options.DatabaseName).DeleteAsync();
                }
                finally
                {
                    database.Dispose();
                }
            }
        }
        finally
        {
            if (_local is not null)
            {
                await _local.DisposeAsync();
            }
        }
    }
}
