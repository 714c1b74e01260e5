using CartOrders.Application.Ports;

namespace CartOrders.Application.Tests;

/// <summary>The store as given, for doubles that change or watch a few of its calls.</summary>
internal abstract class ForwardingStore(IEventStore inner) : IEventStore
{
    public virtual int SnapshotInterval => inner.SnapshotInterval;

    public virtual bool SnapshotIsHead => inner.SnapshotIsHead;

    public virtual Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) => inner.AppendAsync(request, cancellationToken);

    public virtual Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default) =>
        inner.ReadStreamAsync(streamId, fromVersion, toVersion, cancellationToken);

    public virtual Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default) => inner.ReadSnapshotAsync(streamId, cancellationToken);

    public virtual Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default) =>
        inner.FindIdempotencyAsync(streamId, key, cancellationToken);
}

/// <summary>Every append conflicts, the store reporting <paramref name="actual"/> as the stream's version (null: a later one).</summary>
internal sealed class ConflictingStore(IEventStore inner, long? actual = null) : ForwardingStore(inner)
{
    private int _appends;

    public int Appends => _appends;

    public override Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _appends);
        throw new WrongExpectedVersionException(request.StreamId, request.ExpectedVersion, actual);
    }
}

/// <summary>
/// Refuses every keyed write as taken and hides idempotency records for the first
/// <paramref name="hiddenReads"/> lookups, as a store whose refusal comes before its commit does.
/// </summary>
internal sealed class LateVisibilityStore(IEventStore inner, int hiddenReads) : ForwardingStore(inner)
{
    private int _hidden = hiddenReads;
    private int _lookups;

    public int Lookups => _lookups;

    public override Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) =>
        request.Idempotency is { } record ? throw new IdempotencyKeyTakenException(record.Key) : base.AppendAsync(request, cancellationToken);

    public override Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _lookups);
        return Interlocked.Decrement(ref _hidden) >= 0 ? Task.FromResult<IdempotencyRecord?>(null) : base.FindIdempotencyAsync(streamId, key, cancellationToken);
    }
}

/// <summary>A clock that always reads <paramref name="now"/>.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>A count a test waits on: <see cref="Reached"/> completes once the count is at least the value asked for.</summary>
internal sealed class WaitableCount
{
    private readonly Lock _gate = new();
    private readonly List<(long Value, TaskCompletionSource Done)> _waiters = [];
    private long _value;

    public long Value
    {
        get
        {
            lock (_gate)
            {
                return _value;
            }
        }
    }

    /// <summary>Adds to the count; answers the count after it.</summary>
    public long Add(long by = 1)
    {
        lock (_gate)
        {
            _value += by;
            Release();
            return _value;
        }
    }

    /// <summary>Raises the count to <paramref name="value"/> unless it is higher already.</summary>
    public void RaiseTo(long value)
    {
        lock (_gate)
        {
            _value = Math.Max(_value, value);
            Release();
        }
    }

    public Task Reached(long value)
    {
        lock (_gate)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((value, done));
            Release();
            return done.Task;
        }
    }

    private void Release()
    {
        foreach (var (value, done) in _waiters.Where(w => _value >= w.Value))
        {
            done.TrySetResult();
        }
    }
}
