using CartOrders.Application.Ports;
using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos;

/// <summary>Checkpoints in the leases container: <c>{id: "checkpoint-&lt;subscription&gt;", checkpoint}</c>, upserted; partition key /id.</summary>
internal sealed class CosmosCheckpointStore(CosmosDatabase database, CosmosRequests requests) : ICheckpointStore
{
    public async Task<string?> LoadAsync(string subscription, CancellationToken cancellationToken = default)
    {
        var id = IdOf(subscription);
        await database.ReadyAsync(cancellationToken);
        var found = await requests.ReadItemAsync<CheckpointItem>(database.Leases, id, new PartitionKey(id), "read-checkpoint", cancellationToken);
        return found?.Item.Checkpoint;
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
