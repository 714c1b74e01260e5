using System.Diagnostics;
using System.Net;
using Microsoft.Azure.Cosmos;

namespace CartOrders.CosmosServer.Tests;

/// <summary>The file mode: what was acknowledged is there after a restart, even after the process is killed.</summary>
public sealed class DurableModeTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "localcosmos-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => LocalCosmos.Ct;

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private static CosmosClient Client(string connectionString) => new(connectionString, new CosmosClientOptions
    {
        ConnectionMode = ConnectionMode.Gateway,
        LimitToEndpoint = true,
        UseSystemTextJsonSerializerWithOptions = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web),
    });

    [Fact]
    public async Task A_restarted_server_has_every_item_etag_range_and_feed_position_it_acknowledged()
    {
        string etag;
        string continuation;
        await using (var first = await LocalCosmosServer.StartAsync(new LocalCosmosServerOptions { DataDirectory = _directory, PartitionKeyRanges = 2 }, Ct))
        {
            using var client = Client(first.ConnectionString);
            var database = (await client.CreateDatabaseIfNotExistsAsync("db", cancellationToken: Ct)).Database;
            var container = (await database.CreateContainerIfNotExistsAsync("c", "/pk", cancellationToken: Ct)).Container;
            etag = (await container.CreateItemAsync(new Doc("a", "p1", 1), new PartitionKey("p1"), cancellationToken: Ct)).ETag;
            await container.CreateItemAsync(new Doc("gone", "p1", 0), new PartitionKey("p1"), cancellationToken: Ct);
            await container.DeleteItemAsync<Doc>("gone", new PartitionKey("p1"), cancellationToken: Ct);
            using (var batch = await container.CreateTransactionalBatch(new PartitionKey("p2")).CreateItem(new Doc("b", "p2", 2)).CreateItem(new Doc("c", "p2", 3)).ExecuteAsync(Ct))
            {
                Assert.True(batch.IsSuccessStatusCode);
            }

            first.SplitRange("db", "c", "0");
            (var seen, continuation, _) = await LocalCosmos.DrainAsync(container, ChangeFeedStartFrom.Beginning(), pageSize: 100);
            Assert.Equal(3, seen.Count);
        }

        await using var second = await LocalCosmosServer.StartAsync(new LocalCosmosServerOptions { DataDirectory = _directory, PartitionKeyRanges = 2 }, Ct);
        using var again = Client(second.ConnectionString);
        var reopened = again.GetContainer("db", "c");
        var read = await reopened.ReadItemAsync<Doc>("a", new PartitionKey("p1"), cancellationToken: Ct);
        Assert.Equal(etag, read.ETag);
        Assert.Equal(3, (await reopened.ReadItemAsync<Doc>("c", new PartitionKey("p2"), cancellationToken: Ct)).Resource.N);
        using var deleted = await reopened.ReadItemStreamAsync("gone", new PartitionKey("p1"), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        Assert.Equal(3, second.RangeIds("db", "c").Count);

        await reopened.CreateItemAsync(new Doc("d", "p3", 4), new PartitionKey("p3"), cancellationToken: Ct);
        var (next, _, _) = await LocalCosmos.DrainAsync(reopened, ChangeFeedStartFrom.ContinuationToken(continuation), pageSize: 100);
        Assert.Equal(["d"], next.Select(d => d.Id));
    }

    [Fact]
    public async Task Killing_the_server_process_loses_no_acknowledged_write()
    {
        var port = FreePort();
        var server = typeof(LocalCosmosServer).Assembly.Location;
        string connectionString;
        using (var process = StartProcess(server, port))
        {
            try
            {
                connectionString = await WaitForConnectionStringAsync(process);
                using var client = Client(connectionString);
                var database = (await client.CreateDatabaseIfNotExistsAsync("db", cancellationToken: Ct)).Database;
                var container = (await database.CreateContainerIfNotExistsAsync("c", "/pk", cancellationToken: Ct)).Container;
                for (var n = 1; n <= 20; n++)
                {
                    await container.CreateItemAsync(new Doc("i" + n, "p" + (n % 3), n), new PartitionKey("p" + (n % 3)), cancellationToken: Ct);
                }
            }
            finally
            {
                // SIGKILL: no chance to flush or close anything.
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(Ct);
            }
        }

        using (var process = StartProcess(server, port))
        {
            try
            {
                using var client = Client(await WaitForConnectionStringAsync(process));
                var container = client.GetContainer("db", "c");
                using var query = container.GetItemQueryIterator<Doc>("SELECT * FROM c");
                var all = new List<Doc>();
                while (query.HasMoreResults)
                {
                    all.AddRange(await query.ReadNextAsync(Ct));
                }

                Assert.Equal(Enumerable.Range(1, 20), all.Select(d => d.N).Order());
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(Ct);
            }
        }
    }

    private Process StartProcess(string serverDll, int port)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in (string[])[serverDll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", _directory])
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
    }

    private static async Task<string> WaitForConnectionStringAsync(Process process)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            const string prefix = "Local Cosmos server listening: ";
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line[prefix.Length..];
            }
        }

        throw new InvalidOperationException("The local Cosmos server process ended before it listened.");
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
