using CartOrders.CosmosServer;
using CartOrders.Testing;
using Microsoft.Extensions.Logging;
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
public class CosmosContractDatabase : IAsyncLifetime
{
    public const string Variable = "COSMOS_CONNECTION_STRING";

    // A loaded test machine (or a mutation run) can take longer than the default 15 s to start a
    // local server and create a database; the tests here are not about the request timeout.
    internal CosmosRequests Requests { get; } = RequestsLoggingTo(NullLogger<CosmosRequests>.Instance);

    private LocalCosmosServer? _local;

    internal CosmosDatabase Database { get; private set; } = null!;

    /// <summary>The endpoint the database is on, for a test that needs a store with other settings on it.</summary>
    internal string ConnectionString { get; private set; } = null!;

    /// <summary>Runs requests as <see cref="Requests"/> does, logging each to the given logger.</summary>
    internal static CosmosRequests RequestsLoggingTo(ILogger<CosmosRequests> logger) =>
        new(logger, Options.Create(new CosmosStoreOptions { RequestTimeout = TimeSpan.FromMinutes(2) }));

    /// <summary>
    /// A database of the test's own on the same endpoint, with the contract's settings as changed by
    /// <paramref name="configure"/>; created on first use, deleted when disposed.
    /// </summary>
    internal OwnDatabase Own(Action<CosmosStoreOptions>? configure = null)
    {
        var options = new CosmosStoreOptions { ConnectionString = ConnectionString, DatabaseName = $"cartorders-own-{Guid.NewGuid():N}" };
        configure?.Invoke(options);
        return new OwnDatabase(new CosmosDatabase(Options.Create(options), Requests, NullLogger<CosmosDatabase>.Instance));
    }

    /// <summary>The local Cosmos server the database is on, when it is on one (it can inject faults).</summary>
    internal LocalCosmosServer? Local => _local;

    /// <summary>Whether COSMOS_CONNECTION_STRING, when set, names the endpoint (else the local server is always used).</summary>
    protected virtual bool UsesConfiguredEndpoint => true;

    public async ValueTask InitializeAsync()
    {
        var connectionString = UsesConfiguredEndpoint ? Environment.GetEnvironmentVariable(Variable) : null;
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
        GC.SuppressFinalize(this);
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

/// <summary>A database a test made for itself: deleted (if it was created) and its client disposed at the end.</summary>
internal sealed class OwnDatabase(CosmosDatabase database) : IAsyncDisposable
{
    public CosmosDatabase Database { get; } = database;

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var deleted = await Database.Client.GetDatabase(Database.Options.DatabaseName).DeleteStreamAsync();
        }
        finally
        {
            Database.Dispose();
        }
    }
}

/// <summary>
/// The contract's database, always on an in-process local Cosmos server, for tests that inject
/// faults (a 412, a 500, a 404) no real endpoint answers on request.
/// </summary>
public sealed class LocalCosmosDatabase : CosmosContractDatabase
{
    protected override bool UsesConfiguredEndpoint => false;

    internal LocalCosmosServer Server => Local ?? throw new InvalidOperationException("The local Cosmos server has not started.");
}
