using System.Globalization;
using System.Text.Json;
using CartOrders.Application.Ports;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// The <c>kind</c> of each document. The events container holds three kinds in each stream's
/// partition: events (id = version), one tip (id "tip") and idempotency records (id = key).
/// </summary>
internal static class ItemKinds
{
    public const string Event = "event";
    public const string Tip = "tip";
    public const string Idempotency = "idempotency";
    public const string TipId = "tip";
}

/// <summary>One event: <c>id</c> is its version as a decimal string, so writing a version twice is a 409.</summary>
internal sealed record EventItem
{
    public required string Id { get; init; }

    public required string StreamId { get; init; }

    public string Kind { get; init; } = ItemKinds.Event;

    public required long Version { get; init; }

    public required Guid EventId { get; init; }

    public required string Type { get; init; }

    /// <summary>The event's JSON, embedded as a JSON value (not indexed).</summary>
    public required JsonElement Data { get; init; }

    public required string UserId { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }

    public string? CorrelationId { get; init; }

    public static EventItem From(string streamId, long version, EventToAppend e) => new()
    {
        Id = version.ToString(CultureInfo.InvariantCulture),
        StreamId = streamId,
        Version = version,
        EventId = e.EventId,
        Type = e.Type,
        Data = CosmosJson.Embed(e.Data, $"data of event {e.Type}"),
        UserId = e.Metadata.UserId,
        OccurredAt = e.Metadata.OccurredAt,
        CorrelationId = e.Metadata.CorrelationId,
    };

    public StoredEvent ToStoredEvent() =>
        new(StreamId, Version, EventId, Type, CosmosJson.Extract(Data), new EventMetadata(UserId, OccurredAt, CorrelationId));
}

/// <summary>
/// The stream's tip: its version and, when the append carried one, the folded state at that version
/// (the snapshot). Rewritten by every append with events, guarded by its ETag, so it is also the
/// stream's optimistic-concurrency token. Without a snapshot it holds the version alone.
/// </summary>
internal sealed record TipItem
{
    public string Id { get; init; } = ItemKinds.TipId;

    public required string StreamId { get; init; }

    public string Kind { get; init; } = ItemKinds.Tip;

    public required long Version { get; init; }

    public string? Schema { get; init; }

    public JsonElement? State { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    public Snapshot? ToSnapshot() =>
        Schema is { } schema && State is { } state
            ? new Snapshot(StreamId, Version, schema, CosmosJson.Extract(state), UpdatedAt)
            : null;
}

/// <summary>A command's first reply for an idempotency key, expiring after <c>ttl</c> seconds.</summary>
internal sealed record IdempotencyItem
{
    public required string Id { get; init; }

    public required string StreamId { get; init; }

    public string Kind { get; init; } = ItemKinds.Idempotency;

    public required string Fingerprint { get; init; }

    public required int Status { get; init; }

    /// <summary>The reply body, byte for byte (base64 in JSON).</summary>
    public required byte[] Body { get; init; }

    public required string ContentType { get; init; }

    public long? Version { get; init; }

    public string? Location { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Seconds until Cosmos deletes the record (the container's default TTL is -1: on, no default expiry).</summary>
    public required int Ttl { get; init; }

    public static IdempotencyItem From(IdempotencyRecord record, TimeSpan ttl) => new()
    {
        Id = record.Key,
        StreamId = record.StreamId,
        Fingerprint = record.Fingerprint,
        Status = record.Reply.Status,
        Body = record.Reply.Body.ToArray(),
        ContentType = record.Reply.ContentType,
        Version = record.Reply.Version,
        Location = record.Reply.Location,
        CreatedAt = record.CreatedAt,
        Ttl = checked((int)Math.Ceiling(ttl.TotalSeconds)),
    };

    public IdempotencyRecord ToRecord() =>
        new(Id, StreamId, Fingerprint, new CommandReply(Status, Body, ContentType, Version, Location), CreatedAt);
}

/// <summary>A view in the views container: <c>id</c> = <c>pk</c> = "kind-viewId", one logical partition per view.</summary>
internal sealed record ViewItem
{
    public required string Id { get; init; }

    public required string Pk { get; init; }

    public required string Kind { get; init; }

    public required string ViewId { get; init; }

    public required long Version { get; init; }

    public required IReadOnlyList<string> Members { get; init; }

    /// <summary>The view's JSON, embedded as a JSON value (not indexed).</summary>
    public required JsonElement Json { get; init; }

    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// When the view was first written; every later write keeps it. Lists sort on it, so a view does
    /// not move in a list while a client pages. Absent on views written before it existed: their next
    /// write sets it to their last update.
    /// </summary>
    public DateTimeOffset? CreatedAt { get; init; }

    public static string IdOf(string kind, string viewId) => kind + "-" + viewId;

    /// <summary>The kind a generation's views are stored under: the kind itself for the first, so views stored before generations existed are generation 1.</summary>
    public static string StoredKind(string kind, int generation)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (kind.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A view kind cannot contain '@': '{kind}'.", nameof(kind));
        }

        return generation switch
        {
            1 => kind,
            > 1 => kind + "@" + generation.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(generation), generation, "Generations count from 1."),
        };
    }

    public static ViewItem From(ViewDocument document, int generation = 1) => new()
    {
        Id = IdOf(StoredKind(document.Kind, generation), document.Id),
        Pk = IdOf(StoredKind(document.Kind, generation), document.Id),
        Kind = StoredKind(document.Kind, generation),
        ViewId = document.Id,
        Version = document.Version,
        Members = [.. document.Members.Distinct(StringComparer.Ordinal)],
        Json = CosmosJson.Embed(document.Json, $"{document.Kind} view {document.Id}"),
        UpdatedAt = document.UpdatedAt,
        CreatedAt = document.UpdatedAt,
    };

    public ViewDocument ToDocument() => new(Kind.Split('@')[0], ViewId, Version, Members, CosmosJson.Extract(Json), UpdatedAt);
}

/// <summary>A feed subscription's checkpoint in the leases container (partition key /id).</summary>
internal sealed record CheckpointItem
{
    public required string Id { get; init; }

    public required string Checkpoint { get; init; }

    public static string IdOf(string subscription) => "checkpoint-" + subscription;
}
