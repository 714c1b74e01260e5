using CartOrders.Storage.Sqlite;
using CartOrders.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite.Tests;

public sealed class SqliteStoreContractTests : StoreContract
{
    protected override Task<StoreUnderTest> CreateStoreAsync()
    {
        var folder = Directory.CreateTempSubdirectory("cartorders-sqlite-");
        var database = new SqliteDatabase(
            Options.Create(new SqliteStoreOptions { Path = Path.Combine(folder.FullName, "store.db") }),
            NullLogger<SqliteDatabase>.Instance);
        var events = new SqliteEventStore(database);
        return Task.FromResult(new StoreUnderTest(
            events,
            events,
            new SqliteCheckpointStore(database),
            new SqliteViewStore(database),
            async () =>
            {
                await database.DisposeAsync();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                folder.Delete(recursive: true);
            }));
    }
}
