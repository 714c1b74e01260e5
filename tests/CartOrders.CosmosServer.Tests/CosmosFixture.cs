using System.Net;
using System.Text.Json;
using Microsoft.Azure.Cosmos;

namespace CartOrders.CosmosServer.Tests;

/// <summary>A local Cosmos server and an SDK client on it (Gateway mode, as against the emulator), with a fresh container per test.</summary>
public sealed class LocalCosmos : IAsyncDisposable
{
    private LocalCosmos(LocalCosmosServer server, CosmosClient client)
    {
        Server = server;
        Client = client;
    }

    public LocalCosmosServer Server { get; }

    public CosmosClient Client { get; }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<LocalCosmos> StartAsync(int ranges = 1, int maxRetries = 9)
    {
        var server = await LocalCosmosServer.StartAsync(new LocalCosmosServerOptions { PartitionKeyRanges = ranges }, Ct);
        var client = new CosmosClient(server.Endpoint.AbsoluteUri, server.AccountKey, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            MaxRetryAttemptsOnRateLimitedRequests = maxRetries,
            MaxRetryWaitTimeOnRateLimitedRequests = TimeSpan.FromSeconds(10),
            UseSystemTextJsonSerializerWithOptions = new JsonSerializerOptions(JsonSerializerDefaults.Web),
        });
        return new LocalCosmos(server, client);
    }

    public async Task<Container> ContainerAsync(string partitionKeyPath = "/pk")
    {
        var database = (await Client.CreateDatabaseIfNotExistsAsync("db", cancellationToken: Ct)).Database;
        var response = await database.CreateContainerIfNotExistsAsync(new ContainerProperties("c-" + Guid.NewGuid().ToString("N"), partitionKeyPath), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return response.Container;
    }

    /// <summary>Reads a range's feed from a start until it answers 304; returns the items and the continuation.</summary>
    public static async Task<(List<Doc> Items, string Continuation, int Pages)> DrainAsync(Container container, ChangeFeedStartFrom start, int pageSize)
    {
        var items = new List<Doc>();
        var pages = 0;
        using var iterator = container.GetChangeFeedIterator<Doc>(start, ChangeFeedMode.LatestVersion, new ChangeFeedRequestOptions { PageSizeHint = pageSize });
        while (true)
        {
            var page = await iterator.ReadNextAsync(Ct);
            if (page.StatusCode == HttpStatusCode.NotModified)
            {
                return (items, page.ContinuationToken, pages);
            }

            pages++;
            items.AddRange(page);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}

public sealed record Doc(string Id, string Pk, int N, string? Tag = null);
