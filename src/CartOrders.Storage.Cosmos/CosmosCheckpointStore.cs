using System.Net;
using CartOrders.Application.Ports;
using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// Checkpoints in the leases container: <c>{id: "checkpoint-&lt;subscription&gt;", checkpoint}</c>, partition
/// key /id. A pump saves conditionally: the first checkpoint is a create (409 when another pump created
/// it first), every later one a replace with <c>IfMatchEtag</c> = the ETag it read (412 when another
/// pump saved since). Each costs what an upsert costs (about 6 RU for a 1 KB item).
/// </summary>
internal sealed class CosmosCheckpointStore(CosmosDatabase database, CosmosRequests requests) : ICheckpointStore
{
    public async Task<string?> LoadAsync(string subscription, CancellationToken cancellationToken = default)
    {
        var id = IdOf(subscription);
        await database.ReadyAsync(cancellationToken);
        var found = await requests.ReadItemAsync<CheckpointItem>(database.Leases, id, new PartitionKey(id), "read-checkpoint", cancellationToken);
        return found?.Item.Checkpoint;
    }

    public async Task<StoredCheckpoint?> ReadAsync(string subscription, CancellationToken cancellationToken = default)
    {
        var id = IdOf(subscription);
        await database.ReadyAsync(cancellationToken);
        var found = await requests.ReadItemAsync<CheckpointItem>(database.Leases, id, new PartitionKey(id), "read-checkpoint", cancellationToken);
        return found is var (item, etag) ? new StoredCheckpoint(item.Checkpoint, etag) : null;
    }

    public async Task<bool> TrySaveAsync(string subscription, string checkpoint, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var id = IdOf(subscription);
        await database.ReadyAsync(cancellationToken);
        using var content = new MemoryStream(CosmosJson.Serialize(new CheckpointItem { Id = id, Checkpoint = checkpoint }));
        using var response = expectedVersion is null
            ? await requests.RunAsync(
                "create-checkpoint",
                database.Leases.Id,
                () => database.Leases.CreateItemStreamAsync(content, new PartitionKey(id), cancellationToken: cancellationToken),
                CosmosRequests.Outcome)
            : await requests.RunAsync(
                "replace-checkpoint",
                database.Leases.Id,
                () => database.Leases.ReplaceItemStreamAsync(content, id, new PartitionKey(id), new ItemRequestOptions { IfMatchEtag = expectedVersion }, cancellationToken),
                CosmosRequests.Outcome);
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }

    public async Task SaveAsync(string subscription, string checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var id = IdOf(subscription);
        await database.ReadyAsync(cancellationToken);
        using var content = new MemoryStream(CosmosJson.Serialize(new CheckpointItem { Id = id, Checkpoint = checkpoint }));
        using var response = await requests.RunAsync(
            "save-checkpoint",
            database.Leases.Id,
            () => database.Leases.UpsertItemStreamAsync(content, new PartitionKey(id), cancellationToken: cancellationToken),
            CosmosRequests.Outcome);
        response.EnsureSuccessStatusCode();
    }

    private static string IdOf(string subscription)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscription);
        var id = CheckpointItem.IdOf(subscription);
        if (id.Length > 255 || subscription.IndexOfAny(['/', '\\', '?', '#']) >= 0)
        {
            throw new ArgumentException($"The subscription name '{subscription}' cannot key a Cosmos item: at most {255 - CheckpointItem.IdOf(string.Empty).Length} characters, none of '/', '\\', '?', '#'.", nameof(subscription));
        }

        return id;
    }
}
