namespace CartOrders.Application.Ports;

/// <summary>An event to append: its id, stable type name and UTF-8 JSON payload, with who and when.</summary>
public sealed record EventToAppend(Guid EventId, string Type, ReadOnlyMemory<byte> Data, EventMetadata Metadata);

public sealed record EventMetadata(string UserId, DateTimeOffset OccurredAt, string? CorrelationId = null);

/// <summary>An event as stored: version counts from 1 within its stream.</summary>
public sealed record StoredEvent(
    string StreamId,
    long Version,
    Guid EventId,
    string Type,
    ReadOnlyMemory<byte> Data,
    EventMetadata Metadata);

/// <summary>
/// The folded state of a stream at a version, stored with an append at least every
/// <see cref="IEventStore.SnapshotInterval"/> events, so that loading a stream costs one read
/// plus fewer than that many events after it, however long the stream grows.
/// </summary>
public sealed record Snapshot(string StreamId, long Version, string Schema, ReadOnlyMemory<byte> State, DateTimeOffset UpdatedAt);

/// <summary>
/// The first outcome of a command sent with an Idempotency-Key, stored atomically with the
/// command's events (or alone, for a command that appended nothing) and replayed for the same key.
/// </summary>
public sealed record IdempotencyRecord(
    string Key,
    string StreamId,
    string Fingerprint,
    CommandReply Reply,
    DateTimeOffset CreatedAt);

/// <summary>What a command answered: an HTTP-shaped result every host can write back as it is.</summary>
public sealed record CommandReply(int Status, ReadOnlyMemory<byte> Body, string ContentType, long? Version, string? Location);

/// <summary>
/// One atomic append to one stream: the events (versions expectedVersion+1..), the new snapshot
/// and the idempotency record are written all together or not at all. With no events the
/// expected version is not checked: only the idempotency record (of a no-op or a refusal) is written.
/// </summary>
public sealed record AppendRequest(
    string StreamId,
    long ExpectedVersion,
    IReadOnlyList<EventToAppend> Events,
    Snapshot? Snapshot = null,
    IdempotencyRecord? Idempotency = null);

public sealed record AppendResult(long NextVersion);

/// <summary>The event store. Streams are partitions: every call touches exactly one stream.</summary>
public interface IEventStore
{
    /// <summary>Appends atomically at the expected version.</summary>
    /// <exception cref="WrongExpectedVersionException">The stream is not at the expected version.</exception>
    /// <exception cref="IdempotencyKeyTakenException">The idempotency record's key was stored before.</exception>
    Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default);

    /// <summary>Events with fromVersion &lt;= version &lt;= toVersion, oldest first.</summary>
    Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default);

    Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default);

    Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default);

    /// <summary>
    /// How often an append must carry a snapshot: one whenever the stream's version reaches a
    /// multiple of it. 1 (the default) means with every append, for stores whose stream head is
    /// the snapshot; a store that keeps snapshots apart from the events can take fewer, trading a
    /// few more events read per load (fewer than the interval) for writing the state less often.
    /// </summary>
    int SnapshotInterval => 1;

    /// <summary>
    /// True for a store whose snapshot is the stream's head: one document rewritten by every append
    /// together with its events (Cosmos's tip), so a snapshot <see cref="ReadSnapshotAsync"/> returns
    /// is at the stream's latest version at the moment of the read and a load need not look for
    /// events after it. False (the default) for a store whose snapshots may trail the events.
    /// </summary>
    bool SnapshotIsHead => false;
}

public sealed class WrongExpectedVersionException(string streamId, long expected, long? actual)
    : Exception($"Stream '{streamId}' expected at version {expected} but is at {actual?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "a later version"}.")
{
    public string StreamId { get; } = streamId;
    public long Expected { get; } = expected;
    public long? Actual { get; } = actual;
}

public sealed class IdempotencyKeyTakenException(string key)
    : Exception($"Idempotency record '{key}' already exists.")
{
    public string Key { get; } = key;
}

/// <summary>The store refused for a while (throttled); the caller may retry after the delay.</summary>
public sealed class StoreBusyException(TimeSpan retryAfter, Exception? inner = null)
    : Exception("The store is busy; retry later.", inner)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
