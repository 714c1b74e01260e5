using CartOrders.Application.Ports;
using CartOrders.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Bench.Store;

/// <summary>The embedded SQLite store in a temp folder, at the durability the product defaults to.</summary>
internal sealed class EmbeddedTarget : IAppendTarget
{
    private readonly TempFolder _folder = new("cartorders-bench-sqlite-");
    private readonly SqliteDatabase _database;
    private readonly SqliteEventStore _store;

    public EmbeddedTarget(SqliteDurability durability = SqliteDurability.Full)
    {
        _database = new SqliteDatabase(
            Options.Create(new SqliteStoreOptions { Path = _folder.File("bench.db"), Durability = durability }),
            NullLogger<SqliteDatabase>.Instance);
        _store = new SqliteEventStore(_database);
        Durability = durability;
        Name = durability == SqliteDurability.Full ? "embedded (SQLite, fsync per commit)" : "embedded (SQLite, synchronous=NORMAL)";
    }

    public string Name { get; }

    public SqliteDurability Durability { get; }

    public Task AppendAsync(string streamId, long expectedVersion, CancellationToken cancellationToken) =>
        _store.AppendAsync(
            new AppendRequest(
                streamId,
                expectedVersion,
                [new EventToAppend(Guid.CreateVersion7(), BenchEvent.Type, BenchEvent.Json, new EventMetadata(BenchEvent.UserId, DateTimeOffset.UtcNow))]),
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }
}
