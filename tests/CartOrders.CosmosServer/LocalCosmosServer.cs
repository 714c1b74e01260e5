using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CartOrders.CosmosServer;

/// <summary>How a local Cosmos server starts.</summary>
public sealed record LocalCosmosServerOptions
{
    /// <summary>The loopback port to listen on; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Where to keep the data durably; null keeps it in memory only.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>How many physical partition key ranges a new container starts with (hash space cut evenly).</summary>
    public int PartitionKeyRanges { get; init; } = 1;

    /// <summary>The account key clients sign every request with (master-key signatures are checked; the emulator's well-known key by default).</summary>
    public string AccountKey { get; init; } = LocalCosmosServer.WellKnownKey;
}

/// <summary>
/// A local stand-in for an Azure Cosmos DB for NoSQL account, speaking the gateway protocol that
/// Microsoft.Azure.Cosmos uses in Gateway mode. Test and development infrastructure only.
/// <code>
/// await using var cosmos = await LocalCosmosServer.StartAsync();
/// using var client = new CosmosClient(cosmos.ConnectionString, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });
/// </code>
/// </summary>
public sealed class LocalCosmosServer : IAsyncDisposable
{
    /// <summary>The Cosmos DB emulator's published key, accepted as any other.</summary>
    public const string WellKnownKey = "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==";

    private readonly WebApplication _app;
    private readonly CosmosServerState _state;

    private LocalCosmosServer(WebApplication app, CosmosServerState state, Uri endpoint)
    {
        _app = app;
        _state = state;
        Endpoint = endpoint;
    }

    /// <summary>The account endpoint, http://127.0.0.1:port/.</summary>
    public Uri Endpoint { get; }

    public string AccountKey => _state.Options.AccountKey;

    /// <summary>
    /// A connection string for the SDK. <c>DisableServerCertificateValidation=True</c> marks it as an
    /// emulator, which CartOrders' Cosmos store (and the SDK) take as Gateway mode limited to this endpoint.
    /// </summary>
    public string ConnectionString => $"AccountEndpoint={Endpoint.AbsoluteUri};AccountKey={AccountKey};DisableServerCertificateValidation=True";

    /// <summary>Faults to answer instead of serving requests (429, 503, delays), configured per test.</summary>
    public CosmosFaults Faults => _state.Faults;

    /// <summary>Every request served so far, in order: operation, container, partition, status, bytes in and out.</summary>
    public IReadOnlyCollection<CosmosRequestRecord> Requests => _state.Requests;

    /// <summary>Starts a server on a loopback port and returns once it accepts requests.</summary>
    public static async Task<LocalCosmosServer> StartAsync(LocalCosmosServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new LocalCosmosServerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PartitionKeyRanges, 1);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();

        // Started in a test host (or by Program, which handles signals itself): no console lifetime
        // taking over Ctrl+C and SIGTERM of the process.
        builder.Services.AddSingleton<IHostLifetime, OwnerControlledLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
        });
        var app = builder.Build();
        var state = new CosmosServerState(options);
        if (options.DataDirectory is { } directory)
        {
            state.Account.Journal = Journal.Open(directory, state.Account);
        }
        var gateway = new Gateway(state.Account, state);
        app.Run(gateway.HandleAsync);
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        var endpoint = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        state.Endpoint = endpoint;
        return new LocalCosmosServer(app, state, endpoint);
    }

    /// <summary>Splits a container's partition key range in two, as the service does when a partition grows; clients then get 410/1002 for it and refresh their routing.</summary>
    public void SplitRange(string database, string container, string rangeId)
    {
        lock (_state.Account.Gate)
        {
            var found = _state.Account.FindDatabase(database)?.FindContainer(container)
                ?? throw new ArgumentException($"No container {database}/{container}.", nameof(container));
            var range = found.FindRange(rangeId) ?? throw new ArgumentException($"No partition key range {rangeId} in {database}/{container}.", nameof(rangeId));
            found.Split(range);
            _state.Account.Journal?.Split(found, rangeId);
        }
    }

    /// <summary>The ids of a container's current partition key ranges.</summary>
    public IReadOnlyList<string> RangeIds(string database, string container)
    {
        lock (_state.Account.Gate)
        {
            var found = _state.Account.FindDatabase(database)?.FindContainer(container)
                ?? throw new ArgumentException($"No container {database}/{container}.", nameof(container));
            return [.. found.Ranges.Select(r => r.Id)];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _state.Dispose();
    }
}

/// <summary>What the gateway shares with the server's owner: options, faults, the request log, the clock and durability.</summary>
internal sealed class CosmosServerState(LocalCosmosServerOptions options) : IDisposable
{
    private const int MaxRecords = 100_000;
    private readonly ConcurrentQueue<CosmosRequestRecord> _requests = new();

    public LocalCosmosServerOptions Options { get; } = options;

    public Account Account { get; } = new();

    public CosmosFaults Faults { get; } = new();

    public MasterKeySignatures Signatures { get; } = new(options.AccountKey);

    public Uri? Endpoint { get; set; }

    public IReadOnlyCollection<CosmosRequestRecord> Requests => _requests;

    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public void Record(CosmosRequestRecord record)
    {
        _requests.Enqueue(record);
        while (_requests.Count > MaxRecords && _requests.TryDequeue(out _))
        {
        }
    }

    public JsonObject AccountJson(HttpRequest request)
    {
        var endpoint = Endpoint?.AbsoluteUri ?? $"{request.Scheme}://{request.Host}/";
        JsonObject Location() => new() { ["name"] = "Local", ["databaseAccountEndpoint"] = endpoint };
        return new JsonObject
        {
            ["_self"] = string.Empty,
            ["id"] = "localcosmos",
            ["_rid"] = "localcosmos.documents.local",
            ["media"] = "//media/",
            ["addresses"] = "//addresses/",
            ["_dbs"] = "//dbs/",
            ["writableLocations"] = new JsonArray(Location()),
            ["readableLocations"] = new JsonArray(Location()),
            ["enableMultipleWriteLocations"] = false,
            ["userReplicationPolicy"] = new JsonObject { ["asyncReplication"] = false, ["minReplicaSetSize"] = 1, ["maxReplicasetSize"] = 1 },
            ["userConsistencyPolicy"] = new JsonObject { ["defaultConsistencyLevel"] = "Session" },
            ["systemReplicationPolicy"] = new JsonObject { ["minReplicaSetSize"] = 1, ["maxReplicasetSize"] = 1 },
            ["readPolicy"] = new JsonObject { ["primaryReadCoefficient"] = 1, ["secondaryReadCoefficient"] = 1 },
            ["queryEngineConfiguration"] = """{"maxSqlQueryInputLength":262144,"maxJoinsPerSqlQuery":5,"maxLogicalAndPerSqlQuery":500,"maxLogicalOrPerSqlQuery":500,"maxUdfRefPerSqlQuery":10,"maxInExpressionItemsCount":16000,"queryMaxInMemorySortDocumentCount":500,"maxQueryRequestTimeoutFraction":0.9,"sqlAllowNonFiniteNumbers":false,"sqlAllowAggregateFunctions":true,"sqlAllowSubQuery":true,"sqlAllowScalarSubQuery":true,"allowNewKeywords":true,"sqlAllowLike":true,"sqlAllowGroupByClause":true,"maxSpatialQueryCells":12,"spatialMaxGeometryPointCount":256,"sqlDisableOptimizationFlags":0,"sqlAllowTop":true,"enableSpatialIndexing":true,"clientDisableOptimisticDirectExecution":false}""",
        };
    }

    public void Dispose() => Account.Journal?.Dispose();
}

/// <summary>A host lifetime that leaves starting and stopping to the server's owner.</summary>
internal sealed class OwnerControlledLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
