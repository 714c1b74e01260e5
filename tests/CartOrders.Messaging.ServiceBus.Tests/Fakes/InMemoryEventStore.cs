using CartOrders.Application.Ports;

namespace CartOrders.Messaging.ServiceBus.Tests.Fakes;

/// <summary>Only the reads a stream load needs: events by stream, no snapshots.</summary>
internal sealed class InMemoryEventStore : IEventStore
{
    public List<StoredEvent> Events { get; } = [];

    /// <summary>Reads throw this while set, as a store that cannot be reached.</summary>
    public Exception? Unreachable { get; set; }

    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default) =>
        Unreachable is { } error
            ? Task.FromException<IReadOnlyList<StoredEvent>>(error)
            : Task.FromResult<IReadOnlyList<StoredEvent>>(
                [.. Events.Where(e => e.StreamId == streamId && e.Version >= fromVersion && e.Version <= toVersion).OrderBy(e => e.Version)]);

    public Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default) => Task.FromResult<Snapshot?>(null);

    public Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("The publisher only reads.");

    public Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default) =>
        Task.FromResult<IdempotencyRecord?>(null);
}
