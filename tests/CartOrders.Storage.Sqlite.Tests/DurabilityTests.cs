using CartOrders.Application.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite.Tests;

/// <summary>
/// The promise "an acknowledged write has been fsynced" rests on the writer's connection running
/// with synchronous=FULL unless the operator asks for less. A crash test cannot tell FULL from
/// NORMAL (NORMAL loses commits only on power loss), so these read the setting itself.
/// </summary>
public sealed class DurabilityTests
{
    // PRAGMA synchronous reports 1 for NORMAL and 2 for FULL.
    private const long Normal = 1;
    private const long Full = 2;

    [Fact]
    public void The_options_default_to_full_durability()
    {
        Assert.Equal(SqliteDurability.Full, new SqliteStoreOptions().Durability);
    }

    [Fact]
    public async Task The_writer_runs_with_synchronous_FULL_by_default()
    {
        await using var store = new TempDatabase(new SqliteStoreOptions());

        Assert.Equal(Full, await WriterSynchronousAsync(store.Database));
    }

    [Fact]
    public async Task The_writer_runs_with_synchronous_NORMAL_only_when_asked()
    {
        await using var store = new TempDatabase(new SqliteStoreOptions { Durability = SqliteDurability.Normal });

        Assert.Equal(Normal, await WriterSynchronousAsync(store.Database));
    }

    [Theory]
    [InlineData(null, Full)]
    [InlineData("Full", Full)]
    [InlineData("Normal", Normal)]
    public async Task The_configured_durability_reaches_the_writer_and_an_unset_one_is_full(string? durability, long synchronous)
    {
        var folder = Directory.CreateTempSubdirectory("cartorders-durability-");
        var settings = new Dictionary<string, string?> { ["Sqlite:Path"] = Path.Combine(folder.FullName, "store.db") };
        if (durability is not null)
        {
            settings["Sqlite:Durability"] = durability;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton(typeof(ILogger<>), typeof(NullLogger<>)).AddSqliteStore(configuration).BuildServiceProvider();
        try
        {
            Assert.Equal(synchronous, await WriterSynchronousAsync(services.GetRequiredService<SqliteDatabase>()));
        }
        finally
        {
            await services.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(SqliteDurability.Full, "FULL")]
    [InlineData(SqliteDurability.Normal, "NORMAL")]
    public async Task Events_commit_with_the_configured_durability_and_views_and_checkpoints_without_a_sync_of_their_own(
        SqliteDurability durability, string eventsCommitWith)
    {
        await using var store = new TempDatabase(new SqliteStoreOptions { Durability = durability });
        var writer = store.Database.Writer;
        var appended = new EventToAppend(Guid.NewGuid(), "CartCreated.v1", "{}"u8.ToArray(), new EventMetadata("alice", DateTimeOffset.UtcNow, null));

        await new SqliteCheckpointStore(store.Database).SaveAsync("projector", "1", TestContext.Current.CancellationToken);
        var afterCheckpoint = writer.LastCommitSynchronous;
        await new SqliteEventStore(store.Database).AppendAsync(new AppendRequest("cart-c1", 0, [appended]), TestContext.Current.CancellationToken);
        var afterAppend = writer.LastCommitSynchronous;
        await new SqliteViewStore(store.Database).UpsertAsync(
            new ViewDocument("cart", "c1", 1, ["alice"], "{}"u8.ToArray(), DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);
        var afterView = writer.LastCommitSynchronous;
        await new SqliteCheckpointStore(store.Database).TrySaveAsync("projector", "2", "1", TestContext.Current.CancellationToken);

        Assert.Equal(("NORMAL", eventsCommitWith, "NORMAL", "NORMAL"), (afterCheckpoint, afterAppend, afterView, writer.LastCommitSynchronous));
        Assert.Equal(durability == SqliteDurability.Full ? Full : Normal, await WriterSynchronousAsync(store.Database));
    }

    [Fact]
    public async Task Only_a_commit_that_appended_events_wakes_the_feed_pumps()
    {
        await using var store = new TempDatabase(new SqliteStoreOptions());
        var signal = store.Database.Signal;
        var appended = new EventToAppend(Guid.NewGuid(), "CartCreated.v1", "{}"u8.ToArray(), new EventMetadata("alice", DateTimeOffset.UtcNow, null));

        var beforeDerived = signal.Next;
        await new SqliteCheckpointStore(store.Database).SaveAsync("projector", "1", TestContext.Current.CancellationToken);
        await new SqliteViewStore(store.Database).UpsertAsync(
            new ViewDocument("cart", "c1", 1, ["alice"], "{}"u8.ToArray(), DateTimeOffset.UtcNow), TestContext.Current.CancellationToken);
        await WriterSynchronousAsync(store.Database);
        Assert.False(beforeDerived.IsCompleted);

        await new SqliteEventStore(store.Database).AppendAsync(new AppendRequest("cart-c1", 0, [appended]), TestContext.Current.CancellationToken);
        await beforeDerived.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task The_writer_stops_waiting_for_followers_who_do_not_come_and_tries_again_later()
    {
        await using var store = new TempDatabase(new SqliteStoreOptions());
        var writer = store.Database.Writer;

        // Each round: a group of two writes, then a lone write. After a group of two the writer
        // waits for a second write to join the lone one; none comes. It waits the first
        // SqliteWriter.FruitlessGathers times only, then again one in SqliteWriter.GatherRetry
        // commits that could wait.
        async Task RoundAsync()
        {
            using var hold = new ManualResetEventSlim();
            var held = writer.WriteAsync(_ => hold.Wait(TimeSpan.FromSeconds(10)), TestContext.Current.CancellationToken);
            var pair = new[]
            {
                writer.WriteAsync(_ => 1, TestContext.Current.CancellationToken),
                writer.WriteAsync(_ => 2, TestContext.Current.CancellationToken),
            };
            hold.Set();
            Assert.True(await held);
            await Task.WhenAll(pair);
            await writer.WriteAsync(_ => 3, TestContext.Current.CancellationToken);
        }

        for (var round = 1; round <= SqliteWriter.FruitlessGathers; round++)
        {
            await RoundAsync();
            Assert.Equal(round, writer.GatherWaits);
        }

        for (var round = 1; round < SqliteWriter.GatherRetry; round++)
        {
            await RoundAsync();
        }

        Assert.Equal(SqliteWriter.FruitlessGathers, writer.GatherWaits);
        await RoundAsync();
        Assert.Equal(SqliteWriter.FruitlessGathers + 1, writer.GatherWaits);
    }

    /// <summary>The synchronous setting of the writer's own connection, read in a write of its own.</summary>
    internal static Task<long> WriterSynchronousAsync(SqliteDatabase database) =>
        database.Writer.WriteAsync(statements =>
        {
            using var command = statements.Connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous";
            return (long)command.ExecuteScalar()!;
        });

    private sealed class TempDatabase : IAsyncDisposable
    {
        private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cartorders-durability-");

        public TempDatabase(SqliteStoreOptions options)
        {
            options.Path = Path.Combine(_folder.FullName, "store.db");
            Database = new SqliteDatabase(Options.Create(options), NullLogger<SqliteDatabase>.Instance);
        }

        public SqliteDatabase Database { get; }

        public async ValueTask DisposeAsync()
        {
            await Database.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            _folder.Delete(recursive: true);
        }
    }
}
