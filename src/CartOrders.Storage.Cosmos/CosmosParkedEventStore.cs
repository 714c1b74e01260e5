using System.Net;
using System.Security.Cryptography;
using System.Text;
using CartOrders.Application.Ports;
using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// Parked events in the leases container, next to the checkpoints they hold back: one document per
/// parked event, and per subscription one small document listing its parked streams. The feed
/// pump asks "which of these streams are parked?" on every batch, so that question is one point
/// read; listing and removing (operator actions) query the container.
/// </summary>
internal sealed class CosmosParkedEventStore(CosmosDatabase database, CosmosRequests requests) : IParkedEventStore
{
    private const int MaxWriteAttempts = 10;

    public async Task ParkAsync(IReadOnlyList<ParkedEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        await database.ReadyAsync(cancellationToken);

        // The events first, then the list: a crash in between leaves the checkpoint unsaved, so the
        // batch comes again and parks the same events (the first reason is kept) and lists them.
        foreach (var parked in events)
        {
            var item = ParkedEventItem.From(parked);
            using var content = new MemoryStream(CosmosJson.Serialize(item));
            using var response = await requests.RunAsync(
                "park-event",
                database.Leases.Id,
                () => database.Leases.CreateItemStreamAsync(content, new PartitionKey(item.Id), cancellationToken: cancellationToken),
                CosmosRequests.Outcome);
            if (response.StatusCode != HttpStatusCode.Conflict)
            {
                response.EnsureSuccessStatusCode();
            }
        }

        foreach (var subscription in events.GroupBy(e => e.Subscription, StringComparer.Ordinal))
        {
            var streams = subscription.Select(e => e.Event.StreamId).ToHashSet(StringComparer.Ordinal);
            await UpdateStreamsAsync(subscription.Key, current => current.Union(streams, StringComparer.Ordinal), cancellationToken);
        }
    }

    public async Task<IReadOnlySet<string>> ParkedStreamsAsync(string subscription, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        await database.ReadyAsync(cancellationToken);
        var id = ParkedStreamsItem.IdOf(subscription);
        var list = await requests.ReadItemAsync<ParkedStreamsItem>(database.Leases, id, new PartitionKey(id), "read-parked-streams", cancellationToken);
        var parked = new HashSet<string>(StringComparer.Ordinal);
        if (list is { Item.Streams: { Count: > 0 } listed })
        {
            parked.UnionWith(streamIds.Where(listed.Contains));
        }

        return parked;
    }

    public async Task<IReadOnlyList<ParkedEvent>> ListAsync(string? subscription, CancellationToken cancellationToken = default)
    {
        await database.ReadyAsync(cancellationToken);
        var query = subscription is null
            ? new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind").WithParameter("@kind", ParkedEventItem.ItemKind)
            : new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind AND c.subscription = @subscription")
                .WithParameter("@kind", ParkedEventItem.ItemKind)
                .WithParameter("@subscription", subscription);
        var items = await QueryAsync(query, cancellationToken);
        return [.. items
            .OrderBy(p => p.Subscription, StringComparer.Ordinal)
            .ThenBy(p => p.StreamId, StringComparer.Ordinal)
            .ThenBy(p => p.Version)
            .Select(p => p.ToParkedEvent())];
    }

    public async Task RemoveAsync(string subscription, string streamId, long throughVersion, CancellationToken cancellationToken = default)
    {
        await database.ReadyAsync(cancellationToken);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind AND c.subscription = @subscription AND c.streamId = @stream")
            .WithParameter("@kind", ParkedEventItem.ItemKind)
            .WithParameter("@subscription", subscription)
            .WithParameter("@stream", streamId);
        var parked = await QueryAsync(query, cancellationToken);
        foreach (var item in parked.Where(p => p.Version <= throughVersion))
        {
            using var deleted = await requests.RunAsync(
                "unpark-event",
                database.Leases.Id,
                () => database.Leases.DeleteItemStreamAsync(item.Id, new PartitionKey(item.Id), cancellationToken: cancellationToken),
                CosmosRequests.Outcome);
            if (deleted.StatusCode != HttpStatusCode.NotFound)
            {
                deleted.EnsureSuccessStatusCode();
            }
        }

        if (parked.All(p => p.Version <= throughVersion))
        {
            await UpdateStreamsAsync(subscription, current => current.Where(s => s != streamId), cancellationToken);
        }
    }

    private async Task<List<ParkedEventItem>> QueryAsync(QueryDefinition query, CancellationToken cancellationToken)
    {
        var items = new List<ParkedEventItem>();
        using var iterator = database.Leases.GetItemQueryIterator<ParkedEventItem>(query);
        while (iterator.HasMoreResults)
        {
            var page = await requests.RunAsync(
                "list-parked", database.Leases.Id, () => iterator.ReadNextAsync(cancellationToken), r => new RequestOutcome(r.StatusCode, r.RequestCharge));
            items.AddRange(page);
        }

        return items;
    }

    /// <summary>Read, change and write back the subscription's list of parked streams, guarded by its ETag.</summary>
    private async Task UpdateStreamsAsync(string subscription, Func<IEnumerable<string>, IEnumerable<string>> change, CancellationToken cancellationToken)
    {
        var id = ParkedStreamsItem.IdOf(subscription);
        var partition = new PartitionKey(id);
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var current = await requests.ReadItemAsync<ParkedStreamsItem>(database.Leases, id, partition, "read-parked-streams", cancellationToken);
            var before = current?.Item.Streams ?? [];
            string[] after = [.. change(before).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            if (after.SequenceEqual(before.Order(StringComparer.Ordinal), StringComparer.Ordinal))
            {
                return;
            }

            using var content = new MemoryStream(CosmosJson.Serialize(new ParkedStreamsItem { Id = id, Subscription = subscription, Streams = after }));
            using var response = current is { } existing
                ? await requests.RunAsync(
                    "save-parked-streams",
                    database.Leases.Id,
                    () => database.Leases.ReplaceItemStreamAsync(content, id, partition, new ItemRequestOptions { IfMatchEtag = existing.ETag }, cancellationToken),
                    CosmosRequests.Outcome)
                : await requests.RunAsync(
                    "save-parked-streams",
                    database.Leases.Id,
                    () => database.Leases.CreateItemStreamAsync(content, partition, cancellationToken: cancellationToken),
                    CosmosRequests.Outcome);
            if (response.IsSuccessStatusCode)
            {
                return;
            }

            if (response.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound))
            {
                response.EnsureSuccessStatusCode();
            }
        }

        throw new InvalidOperationException($"The parked streams of subscription '{subscription}' changed under {MaxWriteAttempts} write attempts in a row.");
    }
}

/// <summary>
/// One parked event in the leases container. Its id is a hash of (subscription, stream, version):
/// parking the same event twice is a 409 that keeps the first reason, and any stream or
/// subscription name makes a valid id.
/// </summary>
internal sealed record ParkedEventItem
{
    public const string ItemKind = "parked";

    public required string Id { get; init; }

    public string Kind { get; init; } = ItemKind;

    public required string Subscription { get; init; }

    public required string StreamId { get; init; }

    public required long Version { get; init; }

    public required Guid EventId { get; init; }

    public required string Type { get; init; }

    public required System.Text.Json.JsonElement Data { get; init; }

    public required string UserId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public string? CorrelationId { get; init; }

    public required string Reason { get; init; }

    public required DateTimeOffset ParkedAt { get; init; }

    public static string IdOf(string subscription, string streamId, long version)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{subscription}\n{streamId}\n{version}"));
        return "parked-" + Convert.ToHexStringLower(hash.AsSpan(0, 20));
    }

    public static ParkedEventItem From(ParkedEvent parked)
    {
        ArgumentNullException.ThrowIfNull(parked);
        var e = parked.Event;
        return new ParkedEventItem
        {
            Id = IdOf(parked.Subscription, e.StreamId, e.Version),
            Subscription = parked.Subscription,
            StreamId = e.StreamId,
            Version = e.Version,
            EventId = e.EventId,
            Type = e.Type,
            Data = CosmosJson.Embed(e.Data, $"data of parked event {e.Type}"),
            UserId = e.Metadata.UserId,
            OccurredAt = e.Metadata.OccurredAt,
            CorrelationId = e.Metadata.CorrelationId,
            Reason = parked.Reason,
            ParkedAt = parked.ParkedAt,
        };
    }

    public ParkedEvent ToParkedEvent() => new(
        Subscription,
        new StoredEvent(StreamId, Version, EventId, Type, CosmosJson.Extract(Data), new EventMetadata(UserId, OccurredAt, CorrelationId)),
        Reason,
        ParkedAt);
}

/// <summary>The streams a subscription has parked events of: <c>{id: "parked-streams-&lt;hash&gt;", subscription, streams}</c>.</summary>
internal sealed record ParkedStreamsItem
{
    public const string ItemKind = "parked-streams";

    public required string Id { get; init; }

    public string Kind { get; init; } = ItemKind;

    public required string Subscription { get; init; }

    public required IReadOnlyList<string> Streams { get; init; }

    public static string IdOf(string subscription)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscription);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(subscription));
        return "parked-streams-" + Convert.ToHexStringLower(hash.AsSpan(0, 20));
    }
}
