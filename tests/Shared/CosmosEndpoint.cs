extern alias LocalCosmos;

using LocalCosmos::CartOrders.CosmosServer;
using Microsoft.Azure.Cosmos;

namespace CartOrders.Testing.Cosmos;

// Compiled into the host test projects by link (each references the local Cosmos server under the
// alias LocalCosmos, because it has a top-level Program as every host does).

/// <summary>
/// A Cosmos account for a host under test, in a database of its own (deleted at the end): the endpoint
/// COSMOS_CONNECTION_STRING names (the official emulator or an account), or else a local Cosmos server
/// started in-process. <see cref="Local"/> is that local server, with its fault injection and request log;
/// tests that need them start one with <see cref="StartLocalAsync"/>.
/// </summary>
public sealed class CosmosEndpoint : IAsyncDisposable
{
    public const string Variable = "COSMOS_CONNECTION_STRING";

    private CosmosEndpoint(string connectionString, LocalCosmosServer? local)
    {
        ConnectionString = connectionString;
        Local = local;
    }

    public string ConnectionString { get; }

    public LocalCosmosServer? Local { get; }

    public string DatabaseName { get; } = $"cartorders-test-{Guid.NewGuid():N}";

    /// <summary>The server's settings for this endpoint: the Cosmos store, this database, a short feed poll.</summary>
    public IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Store:Provider"] = "Cosmos",
        ["Cosmos:ConnectionString"] = ConnectionString,
        ["Cosmos:DatabaseName"] = DatabaseName,
        ["Cosmos:FeedPollInterval"] = "00:00:00.050",
    };

    public static async Task<CosmosEndpoint> StartAsync()
    {
        var configured = Environment.GetEnvironmentVariable(Variable);
        return string.IsNullOrWhiteSpace(configured) ? await StartLocalAsync() : new CosmosEndpoint(configured, null);
    }

    /// <summary>Always a local Cosmos server, for tests that inject faults or count requests.</summary>
    public static async Task<CosmosEndpoint> StartLocalAsync(LocalCosmosServerOptions? options = null)
    {
        var local = await LocalCosmosServer.StartAsync(options, TestContext.Current.CancellationToken);
        return new CosmosEndpoint(local.ConnectionString, local);
    }

    public async ValueTask DisposeAsync()
    {
        if (Local is not null)
        {
            await Local.DisposeAsync();
            return;
        }

        // A shared emulator or account: remove this run's database.
        using var client = new CosmosClient(ConnectionString, new CosmosClientOptions
        {
            ConnectionMode = ConnectionMode.Gateway,
            LimitToEndpoint = true,
            HttpClientFactory = () => new HttpClient(new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator,
            }),
        });
        try
        {
            await client.GetDatabase(DatabaseName).DeleteAsync();
        }
        catch (CosmosException error) when (error.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
        }
    }
}
