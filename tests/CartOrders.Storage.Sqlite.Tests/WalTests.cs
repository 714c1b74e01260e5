using System.Text;
using CartOrders.Application.Ports;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite.Tests;

public sealed class WalTests
{
    private const long WalBound = 64L * 1024 * 1024;

    [Fact]
    public async Task The_WAL_starts_over_under_a_steady_load_of_appends_and_reads()
    {
        var folder = Directory.CreateTempSubdirectory("cartorders-wal-");
        var path = Path.Combine(folder.FullName, "wal.db");
        var database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = path, Durability = SqliteDurability.Normal }), NullLogger<SqliteDatabase>.Instance);
        try
        {
            var store = new SqliteEventStore(database);
            var data = Encoding.UTF8.GetBytes(new string('x', 400));
            var metadata = new EventMetadata("wal-user", DateTimeOffset.UtcNow);
            using var writing = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

            // Readers keep read transactions going the whole time, as a busy server's do.
            var readers = Enumerable.Range(0, 2).Select(r => Task.Run(async () =>
            {
                string? checkpoint = null;
                while (!writing.IsCancellationRequested)
                {
                    var batch = await store.ReadAsync(checkpoint, 64, CancellationToken.None);
                    checkpoint = batch.Events.Count > 0 ? batch.Checkpoint : null;
                    await store.ReadStreamAsync($"wal-{r}", 1, long.MaxValue, CancellationToken.None);
                    await Task.Delay(1, CancellationToken.None);
                }
            })).ToList();

            // 8 writers over 1,000 streams: well over 100 MB of WAL frames in all, if none were reused.
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                var versions = new long[125];
                for (var n = 0; n < 2_500; n++)
                {
                    var s = n % versions.Length;
                    await store.AppendAsync(new AppendRequest(
                        $"wal-{w}-{s}",
                        versions[s]++,
                        [new EventToAppend(Guid.CreateVersion7(), "Bench.v1", data, metadata)]));
                }
            })).ToList();
            await Task.WhenAll(writers);
            await writing.CancelAsync();
            await Task.WhenAll(readers);

            Assert.InRange(new FileInfo(path + "-wal").Length, 0, WalBound);
        }
        finally
        {
            await database.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
