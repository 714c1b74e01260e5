using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using Microsoft.Extensions.Caching.Memory;

namespace CartOrders.Application.Commands;

/// <summary>
/// Loads a stream's state from its snapshot plus the events after it: O(1) reads for any length
/// (one read when the store's snapshot is its head, <see cref="IEventStore.SnapshotIsHead"/>).
/// It also keeps the most recent state this process has seen of each stream, within a bounded
/// capacity (least recently used first out). A state at a version never changes, so a remembered
/// state is always true at its version; whether it is still the latest is only known to the store,
/// so callers use it only where a stale one is caught: the command handler, whose append at the
/// remembered version then conflicts, and the projector, which asks for at least the version it
/// was fed.
/// </summary>
public sealed class StreamLoader : IDisposable
{
    /// <summary>
    /// The default capacity, in weight units: a stream counts 1 plus its lines (see
    /// <see cref="StreamType{TState, TEvent}.Weight"/>), a cart line is some 250 bytes of memory,
    /// so this bounds the remembered states to about 25 MB even if every cart were full.
    /// </summary>
    public const int DefaultCapacity = 100_000;

    private readonly IEventStore _store;
    private readonly MemoryCache _recent;

    public StreamLoader(IEventStore store)
        : this(store, DefaultCapacity)
    {
    }

    /// <param name="store">The event store.</param>
    /// <param name="capacity">The most weight remembered; 0 remembers nothing.</param>
    public StreamLoader(IEventStore store, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _store = store;
        _recent = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, capacity), CompactionPercentage = 0.1 });
        Capacity = capacity;
    }

    public int Capacity { get; }

    public Task<Loaded<TState>> LoadAsync<TState, TEvent>(
        StreamType<TState, TEvent> type,
        string streamId,
        long? atVersion = null,
        CancellationToken cancellationToken = default)
        where TState : class
        where TEvent : IDomainEvent
    {
        var toVersion = atVersion ?? long.MaxValue;
        return FoldAsync(type, streamId, snapshot => snapshot.Version <= toVersion, toVersion, DateTimeOffset.MaxValue, long.MaxValue, cancellationToken);
    }

    /// <summary>
    /// The stream's state as of <paramref name="at"/>: folded from its events that happened at or
    /// before that time (in version order, up to the first later one), from a snapshot only when
    /// the snapshot is that old. Version 0 and no state when the stream had no event by then.
    /// </summary>
    public Task<Loaded<TState>> LoadAsOfAsync<TState, TEvent>(
        StreamType<TState, TEvent> type,
        string streamId,
        DateTimeOffset at,
        CancellationToken cancellationToken = default)
        where TState : class
        where TEvent : IDomainEvent =>
        FoldAsync(type, streamId, snapshot => snapshot.UpdatedAt <= at, long.MaxValue, at, long.MaxValue, cancellationToken);

    /// <summary>
    /// The stream's state at <paramref name="atLeast"/> or later: the remembered one when it is
    /// that recent, otherwise from the store (and then remembered): its snapshot alone when that
    /// reaches <paramref name="atLeast"/> (the caller, the projector, is fed the events after it
    /// later; in a rebuild, which reads old events of streams that have long moved on, that is nearly
    /// every load, and it saves the tail's read), else the latest.
    /// </summary>
    public Task<Loaded<TState>> LoadAtLeastAsync<TState, TEvent>(
        StreamType<TState, TEvent> type,
        string streamId,
        long atLeast,
        CancellationToken cancellationToken = default)
        where TState : class
        where TEvent : IDomainEvent =>
        TryRecall(type, streamId, out var recent) && recent.Version >= atLeast
            ? Task.FromResult(recent)
            : LoadAndRememberAsync(type, streamId, atLeast, cancellationToken);

    /// <summary>The stream's latest state from the store, which is then remembered.</summary>
    public Task<Loaded<TState>> LoadLatestAsync<TState, TEvent>(
        StreamType<TState, TEvent> type,
        string streamId,
        CancellationToken cancellationToken = default)
        where TState : class
        where TEvent : IDomainEvent =>
        LoadAndRememberAsync(type, streamId, long.MaxValue, cancellationToken);

    /// <summary>The most recent state of the stream this process has seen, if it still remembers one.</summary>
    public bool TryRecall<TState, TEvent>(StreamType<TState, TEvent> type, string streamId, out Loaded<TState> loaded)
        where TState : class
        where TEvent : IDomainEvent
    {
        ArgumentNullException.ThrowIfNull(type);
        if (_recent.TryGetValue(streamId, out Recent? entry) && entry is { State: Loaded<TState> state } && entry.Schema == type.Schema)
        {
            loaded = state;
            return true;
        }

        loaded = null!;
        return false;
    }

    /// <summary>
    /// Remembers a state the stream has had; one older than the state already remembered is
    /// ignored, and one heavier than the whole capacity is not kept.
    /// </summary>
    public void Remember<TState, TEvent>(StreamType<TState, TEvent> type, string streamId, Loaded<TState> loaded)
        where TState : class
        where TEvent : IDomainEvent
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(loaded);
        if (Capacity == 0 || loaded.State is null)
        {
            return;
        }

        // Check then set is not atomic: a race can leave an older state remembered, which costs
        // the next command a conflict and a reload, never a wrong answer.
        if (_recent.TryGetValue(streamId, out Recent? current) && current!.Version > loaded.Version)
        {
            return;
        }

        _recent.Set(streamId, new Recent(type.Schema, loaded, loaded.Version), new MemoryCacheEntryOptions { Size = Math.Max(1, type.Weight(loaded.State)) });
    }

    /// <summary>Forgets the stream, after a write found the remembered state was not the latest.</summary>
    public void Forget(string streamId) => _recent.Remove(streamId);

    /// <summary>The stream's state from the store, its snapshot alone when that reaches <paramref name="enoughAt"/>; remembered.</summary>
    private async Task<Loaded<TState>> LoadAndRememberAsync<TState, TEvent>(StreamType<TState, TEvent> type, string streamId, long enoughAt, CancellationToken cancellationToken)
        where TState : class
        where TEvent : IDomainEvent
    {
        var loaded = await FoldAsync(type, streamId, _ => true, long.MaxValue, DateTimeOffset.MaxValue, enoughAt, cancellationToken);
        Remember(type, streamId, loaded);
        return loaded;
    }

    /// <summary>Folds the stream from its snapshot (when <paramref name="usable"/>) and the events after it, up to <paramref name="toVersion"/> and <paramref name="until"/>.</summary>
    /// <param name="enoughAt">A usable snapshot at this version or later is the answer as it is: the events after it are not read.</param>
    private async Task<Loaded<TState>> FoldAsync<TState, TEvent>(
        StreamType<TState, TEvent> type,
        string streamId,
        Func<Snapshot, bool> usable,
        long toVersion,
        DateTimeOffset until,
        long enoughAt,
        CancellationToken cancellationToken)
        where TState : class
        where TEvent : IDomainEvent
    {
        ArgumentNullException.ThrowIfNull(type);
        TState? state = null;
        long version = 0;
        var updatedAt = DateTimeOffset.MinValue;

        var snapshot = await _store.ReadSnapshotAsync(streamId, cancellationToken);
        if (snapshot is not null && snapshot.Schema == type.Schema && usable(snapshot))
        {
            state = Json.Deserialize<TState>(snapshot.State);
            version = snapshot.Version;
            updatedAt = snapshot.UpdatedAt;
        }

        if (state is not null && (_store.SnapshotIsHead || version >= enoughAt))
        {
            // The snapshot is the head (no events follow it) or as recent as the caller needs: the tail is not read (one read per load).
            return new Loaded<TState>(state, version, updatedAt);
        }

        var tail = await _store.ReadStreamAsync(streamId, version + 1, toVersion, cancellationToken);
        foreach (var stored in tail)
        {
            if (stored.Metadata.OccurredAt > until)
            {
                break;
            }

            state = type.Evolve(state, (TEvent)EventSerializer.Deserialize(stored.Type, stored.Data));
            version = stored.Version;
            updatedAt = stored.Metadata.OccurredAt;
        }

        // A snapshot of another schema is never read (its shape may mean something else now).
        return new Loaded<TState>(state, version, updatedAt) { StaleSnapshot = snapshot is not null && snapshot.Schema != type.Schema };
    }

    public void Dispose() => _recent.Dispose();

    private sealed record Recent(string Schema, object State, long Version);
}
