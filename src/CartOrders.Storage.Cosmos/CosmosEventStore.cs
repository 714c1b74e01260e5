using CartOrders.Application.Ports;
using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// The event store on the <c>events</c> container, one logical partition per stream. An append is
/// a point read of the tip plus ONE transactional batch (see <see cref="AppendPlan"/>); loading is a
/// point read of the tip plus a single-partition query for any events after it. Nothing on the
/// command path queries across partitions.
/// </summary>
internal sealed class CosmosEventStore(CosmosDatabase database, CosmosRequests requests) : IEventStore
{
    public async Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await database.ReadyAsync(cancellationToken);
        var partition = new PartitionKey(request.StreamId);
        CurrentTip? current = null;
        if (request.Events.Count > 0
            && await requests.ReadItemAsync<TipItem>(database.Events, ItemKinds.TipId, partition, "read-tip", cancellationToken) is { } tip)
        {
            current = new CurrentTip(tip.Item.Version, tip.ETag);
        }

        var plan = AppendPlan.Create(request, current, database.Options.IdempotencyTtl);
        if (plan.Operations.Count == 0)
        {
            return new AppendResult(plan.NextVersion);
        }

        var batch = database.Events.CreateTransactionalBatch(partition);
        var noContent = new TransactionalBatchItemRequestOptions { EnableContentResponseOnWrite = false };
        foreach (var operation in plan.Operations)
        {
            _ = operation switch
            {
                CreateEvent e => batch.CreateItem(e.Item, noContent),
                CreateTip t => batch.CreateItem(t.Item, noContent),
                ReplaceTip r => batch.ReplaceItem(r.Item.Id, r.Item, new TransactionalBatchItemRequestOptions { IfMatchEtag = r.ETag, EnableContentResponseOnWrite = false }),
                CreateIdempotency i => batch.CreateItem(i.Item, noContent),
                _ => throw new InvalidOperationException($"Unknown planned operation {operation}."),
            };
        }

        using var response = await requests.RunAsync(
            "append",
            database.Events.Id,
            () => batch.ExecuteAsync(cancellationToken),
            r => new RequestOutcome(r.StatusCode, r.RequestCharge, r.RetryAfter));
        if (response.IsSuccessStatusCode)
        {
            return new AppendResult(plan.NextVersion);
        }

        throw plan.Failure(response.StatusCode, [.. response.Select(o => o.StatusCode)], response.RetryAfter);
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default)
    {
        if (fromVersion > toVersion)
        {
            return [];
        }

        await database.ReadyAsync(cancellationToken);
        var bounded = toVersion < long.MaxValue;
        var query = new QueryDefinition(
                "SELECT * FROM c WHERE c.kind = @kind AND c.version >= @from" + (bounded ? " AND c.version <= @to" : string.Empty) + " ORDER BY c.version")
            .WithParameter("@kind", ItemKinds.Event)
            .WithParameter("@from", fromVersion);
        if (bounded)
        {
            query = query.WithParameter("@to", toVersion);
        }
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey(streamId) };
        var events = new List<StoredEvent>();
        using var iterator = database.Events.GetItemQueryIterator<EventItem>(query, requestOptions: options);
        while (iterator.HasMoreResults)
        {
            var page = await requests.RunAsync(
                "read-stream", database.Events.Id, () => iterator.ReadNextAsync(cancellationToken), r => new RequestOutcome(r.StatusCode, r.RequestCharge));
            events.AddRange(page.Select(e => e.ToStoredEvent()));
        }

        return events;
    }

    public async Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default)
    {
        await database.ReadyAsync(cancellationToken);
        var tip = await requests.ReadItemAsync<TipItem>(database.Events, ItemKinds.TipId, new PartitionKey(streamId), "read-tip", cancellationToken);
        return tip?.Item.ToSnapshot();
    }

    public async Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (key == ItemKinds.TipId || key.All(char.IsAsciiDigit))
        {
            return null;
        }

        await database.ReadyAsync(cancellationToken);
        var found = await requests.ReadItemAsync<IdempotencyItem>(database.Events, key, new PartitionKey(streamId), "read-idempotency", cancellationToken);
        return found?.Item.ToRecord();
    }
}
