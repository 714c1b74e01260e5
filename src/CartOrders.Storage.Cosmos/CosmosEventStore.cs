using CartOrders.Application.Ports;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Caching.Memory;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// The event store on the <c>events</c> container, one logical partition per stream. An append is
/// ONE transactional batch (see <see cref="AppendPlan"/>), preceded by a point read of the tip only
/// when the tip's ETag at the expected version is not known; loading is one point read of the tip,
/// which is the stream's head (<see cref="SnapshotIsHead"/>). Nothing on the command path queries.
/// </summary>
internal sealed class CosmosEventStore(CosmosDatabase database, CosmosRequests requests) : IEventStore, IDisposable
{
    /// <summary>How many streams' tip ETags are kept.</summary>
    public const int KnownTipsCapacity = 100_000;

    // The last tip this instance read or wrote per stream: its version and ETag. An append at that
    // version replaces the tip If-Match that ETag without reading it again; if another instance moved
    // the stream on meanwhile, the batch fails (412 on the tip, 409 on an event id) exactly as it
    // would after a fresh read, and the entry is dropped.
    private readonly MemoryCache _knownTips = new(new MemoryCacheOptions { SizeLimit = KnownTipsCapacity, CompactionPercentage = 0.1 });

    /// <summary>The tip is rewritten with its state by every append the command handler makes.</summary>
    public bool SnapshotIsHead => true;

    public async Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await database.ReadyAsync(cancellationToken);
        var partition = new PartitionKey(request.StreamId);
        CurrentTip? current = null;
        if (request.Events.Count > 0 && request.ExpectedVersion > 0)
        {
            // A first append (expected version 0) reads nothing: its tip create fails with 409 if the stream exists.
            if (_knownTips.TryGetValue(request.StreamId, out CurrentTip? known) && known!.Version == request.ExpectedVersion)
            {
                current = known;
            }
            else if (await requests.ReadItemAsync<TipItem>(database.Events, ItemKinds.TipId, partition, "read-tip", cancellationToken) is { } tip)
            {
                current = Know(request.StreamId, new CurrentTip(tip.Item.Version, tip.ETag));
            }
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
            // The batch answers each operation with its ETag: the tip's is the one the next append needs.
            var tipIndex = plan.Operations.Select((o, i) => o is CreateTip or ReplaceTip ? i : -1).FirstOrDefault(i => i >= 0, -1);
            if (tipIndex >= 0)
            {
                if (response[tipIndex].ETag is { Length: > 0 } etag)
                {
                    Know(request.StreamId, new CurrentTip(plan.NextVersion, etag));
                }
                else
                {
                    _knownTips.Remove(request.StreamId);
                }
            }

            return new AppendResult(plan.NextVersion);
        }

        _knownTips.Remove(request.StreamId);
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
        if (tip is not { } found)
        {
            _knownTips.Remove(streamId);
            return null;
        }

        Know(streamId, new CurrentTip(found.Item.Version, found.ETag));
        return found.Item.ToSnapshot();
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

    public void Dispose() => _knownTips.Dispose();

    private CurrentTip Know(string streamId, CurrentTip tip) =>
        _knownTips.Set(streamId, tip, new MemoryCacheEntryOptions { Size = 1 });
}
