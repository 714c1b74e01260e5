using CartOrders.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite.Tests;

public sealed class SqliteParkedEventStoreTests : ParkedEventStoreContract
{
    protected override Task<ParkingUnderTest> CreateParkingAsync()
    {
        var folder = Directory.CreateTempSubdirectory("cartorders-parked-");
        var database = new SqliteDatabase(
            Options.Create(new SqliteStoreOptions { Path = Path.Combine(folder.FullName, "store.db") }),
            NullLogger<SqliteDatabase>.Instance);
        return Task.FromResult(new ParkingUnderTest(
            new SqliteParkedEventStore(database),
            async () =>
            {
                await database.DisposeAsync();
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                folder.Delete(recursive: true);
            }));
    }
}
