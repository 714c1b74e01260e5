using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// The store's Cosmos client, database and containers. Before first use the database and
/// containers are created with their indexing policies (CreateIfNotExists), or checked to exist
/// with the right partition keys, failing with a message that names what is missing.
/// </summary>
internal sealed partial class CosmosDatabase : IDisposable
{
    private readonly CosmosRequests _requests;
    private readonly ILogger<CosmosDatabase> _logger;
    private readonly Lock _lock = new();
    private Task? _ready;

    public CosmosDatabase(IOptions<CosmosStoreOptions> options, CosmosRequests requests, ILogger<CosmosDatabase> logger)
        : this(CosmosConnection.From(options.Value), options.Value, requests, logger)
    {
    }

    private CosmosDatabase(CosmosConnection connection, CosmosStoreOptions options, CosmosRequests requests, ILogger<CosmosDatabase> logger)
        : this(connection.CreateClient(options), options, requests, logger) =>
        LogConnecting(logger, connection, options.DatabaseName);

    // Not public, so dependency injection only ever sees the constructor above.
    internal CosmosDatabase(CosmosClient client, CosmosStoreOptions options, CosmosRequests requests, ILogger<CosmosDatabase> logger)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        Client = client;
        Options = options;
        _requests = requests;
        _logger = logger;
        Events = client.GetContainer(options.DatabaseName, options.EventsContainer);
        Views = client.GetContainer(options.DatabaseName, options.ViewsContainer);
        Leases = client.GetContainer(options.DatabaseName, options.LeasesContainer);
    }

    public CosmosClient Client { get; }

    public CosmosStoreOptions Options { get; }

    public Container Events { get; }

    public Container Views { get; }

    public Container Leases { get; }

    /// <summary>Completes once the database and containers are there; a failed attempt is retried by the next caller.</summary>
    public Task ReadyAsync(CancellationToken cancellationToken = default)
    {
        var ready = _ready;
        if (ready is { IsCompletedSuccessfully: true })
        {
            return ready;
        }

        lock (_lock)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = InitializeAsync();
            }

            return _ready.WaitAsync(cancellationToken);
        }
    }

    public void Dispose() => Client.Dispose();

    private async Task InitializeAsync()
    {
        ContainerProperties[] definitions =
        [
            ContainerDefinitions.Events(Options.EventsContainer),
            ContainerDefinitions.Views(Options.ViewsContainer),
            ContainerDefinitions.Leases(Options.LeasesContainer),
        ];
        if (Options.CreateIfNotExists)
        {
            var database = await _requests.RunAsync(
                "create-database", string.Empty, () => Client.CreateDatabaseIfNotExistsAsync(Options.DatabaseName), r => new(r.StatusCode, r.RequestCharge));
            foreach (var definition in definitions)
            {
                var container = await _requests.RunAsync(
                    "create-container", definition.Id, () => database.Database.CreateContainerIfNotExistsAsync(definition), r => new(r.StatusCode, r.RequestCharge));
                CheckContainer(container.Resource, definition);
            }
        }
        else
        {
            await VerifyAsync(definitions);
        }

        LogReady(_logger, Options.DatabaseName, Options.CreateIfNotExists);
    }

    private async Task VerifyAsync(ContainerProperties[] definitions)
    {
        var howToCreate = $"Create them (partition keys: {string.Join(", ", definitions.Select(d => $"{d.Id} {d.PartitionKeyPath}"))}; "
            + "indexing policies in docs/cosmos.md; the infra/ Bicep does this) or set Cosmos:CreateIfNotExists=true to let the store create them.";
        try
        {
            await _requests.RunAsync("read-database", string.Empty, () => Client.GetDatabase(Options.DatabaseName).ReadAsync(), r => new(r.StatusCode, r.RequestCharge));
        }
        catch (CosmosException error) when (error.StatusCode == HttpStatusCode.NotFound)
        {
            throw new InvalidOperationException($"The Cosmos database '{Options.DatabaseName}' does not exist, nor its containers. {howToCreate}", error);
        }

        var missing = new List<string>();
        foreach (var definition in definitions)
        {
            try
            {
                var container = await _requests.RunAsync(
                    "read-container", definition.Id, () => Client.GetContainer(Options.DatabaseName, definition.Id).ReadContainerAsync(), r => new(r.StatusCode, r.RequestCharge));
                CheckContainer(container.Resource, definition);
            }
            catch (CosmosException error) when (error.StatusCode == HttpStatusCode.NotFound)
            {
                missing.Add($"'{definition.Id}' ({definition.PartitionKeyPath})");
            }
        }

        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"The Cosmos database '{Options.DatabaseName}' lacks the container(s) {string.Join(", ", missing)}. {howToCreate}");
        }
    }

    private void CheckContainer(ContainerProperties? actual, ContainerProperties expected)
    {
        if (actual is not null && expected.DefaultTimeToLive is not null && actual.DefaultTimeToLive is null)
        {
            LogTimeToLiveOff(_logger, expected.Id, Options.DatabaseName);
        }

        if (actual?.PartitionKeyPath is { } path && path != expected.PartitionKeyPath)
        {
            throw new InvalidOperationException(
                $"The Cosmos container '{expected.Id}' in database '{Options.DatabaseName}' is partitioned by {path}, but the store needs {expected.PartitionKeyPath}. "
                + "A partition key cannot change: delete and recreate the container (or point Cosmos:" + ContainerKey(expected.Id) + " at another one).");
        }
    }

    private string ContainerKey(string id) =>
        id == Options.EventsContainer ? nameof(CosmosStoreOptions.EventsContainer)
        : id == Options.ViewsContainer ? nameof(CosmosStoreOptions.ViewsContainer)
        : nameof(CosmosStoreOptions.LeasesContainer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cosmos container {Container} in {Database} has time-to-live off, so idempotency records never expire; set its default TTL to -1 (on, no default expiry)")]
    private static partial void LogTimeToLiveOff(ILogger logger, string container, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cosmos store: {Connection}, database {Database}")]
    private static partial void LogConnecting(ILogger logger, CosmosConnection connection, string database);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cosmos database {Database} is ready (created if missing: {CreateIfNotExists})")]
    private static partial void LogReady(ILogger logger, string database, bool createIfNotExists);
}
