using CartOrders.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Cosmos.Tests;

/// <summary>
/// The store contract against a real Cosmos endpoint (the emulator or an account) named by
/// COSMOS_CONNECTION_STRING, in a database of its own that is deleted afterwards. Without the
/// variable every test reports as skipped, with one plain reason.
/// </summary>
public sealed class CosmosStoreContractTests(CosmosContractDatabase fixture) : StoreContract, IClassFixture<CosmosContractDatabase>
{
    private static int s_announced;

    protected override Task<StoreUnderTest> CreateStoreAsync()
    {
        var database = fixture.Database;
        if (database is null)
        {
            // Said once for the run (console and the first skipped test's output); each test's skip carries the reason too.
            if (Interlocked.Exchange(ref s_announced, 1) == 0)
            {
                Console.WriteLine(CosmosContractDatabase.SkipReason);
                TestContext.Current.TestOutputHelper?.WriteLine(CosmosContractDatabase.SkipReason);
            }

            Assert.Skip(CosmosContractDatabase.SkipReason);
        }

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

/// <summary>A fresh database per run (so the feed sees only this run's events), deleted at the end.</summary>
public sealed class CosmosContractDatabase : IAsyncLifetime
{
    public const string Variable = "COSMOS_CONNECTION_STRING";

    public const string SkipReason =
        "COSMOS_CONNECTION_STRING is not set: skipped the Cosmos store contract (set it to the emulator's or an account's connection string to run it).";

    internal CosmosRequests Requests { get; } = new(NullLogger<CosmosRequests>.Instance);

    internal CosmosDatabase? Database { get; private set; }

    public async ValueTask InitializeAsync()
    {
        var connectionString = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return;
        }

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
        if (Database is not { } database)
        {
            return;
        }

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
