using CartOrders.Application.Ports;

namespace CartOrders.Bench.Rebuild;

/// <summary>Counts the events stream reads return, to show what a load costs.</summary>
internal sealed class CountingEventStore(IEventStore inner) : IEventStore
{
    private long _eventsRead;

    public long EventsRead => Interlocked.Read(ref _eventsRead);

    public Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) => inner.AppendAsync(request, cancellationToken);

    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default)
    {
        var events = await inner.ReadStreamAsync(streamId, fromVersion, toVersion, cancellationToken);
        Interlocked.Add(ref _eventsRead, events.Count);
        return events;
    }

    public Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default) => inner.ReadSnapshotAsync(streamId, cancellationToken);

    public Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default) => inner.FindIdempotencyAsync(streamId, key, cancellationToken);

    public int SnapshotInterval => inner.SnapshotInterval;
}

/// <summary>Pushes go nowhere during a rebuild measurement; they are only counted.</summary>
internal sealed class CountingNotifier : IRealtimeNotifier
{
    private long _pushes;

    public long Pushes => Interlocked.Read(ref _pushes);

    public Task CartUpdatedAsync(Application.Projections.CartUpdate update, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _pushes);
        return Task.CompletedTask;
    }

    public Task OrderUpdatedAsync(Application.Projections.OrderView view, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _pushes);
        return Task.CompletedTask;
    }

    public Task RemoveUserFromCartAsync(string cartId, string userId, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task CartsChangedAsync(string userId, CartsChange change, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _pushes);
        return Task.CompletedTask;
    }
}
