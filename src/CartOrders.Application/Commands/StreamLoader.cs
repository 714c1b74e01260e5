using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using Microsoft.Extensions.Caching.Memory;

namespace CartOrders.Application.Commands;

/// <summary>
/// Loads a stream's state from its snapshot plus the events after it: O(1) reads for any length.
/// It also keeps the most recent state this process has seen of each stream (bounded, least
/// recently used first out). A state at a version never changes, so a remembered state is always
/// true at its version; whether it is still the latest is only known to the store, so callers use
/// it only where a stale one is caught: the command handler, whose append at the remembered
/// version then conflicts, and the projector, which asks for at least the version it was fed.
/// </summary>
public sealed class StreamLoader : IDisposable
{
    /// <summary>Streams remembered by default; a cart's state is a few hundred bytes to a few KB.</summary>
    public const int DefaultRememberedStreams = 10_000;

    private readonly IEventStore _store;
    private readonly MemoryCache _recent;

    public StreamLoader(IEventStore store)
        : this(store, DefaultRememberedStreams)
    {
    }

    public StreamLoader(IEventStore store, int rememberedStreams)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rememberedStreams);
        _store = store;
        _recent = new MemoryCache(new MemoryCacheOptions { SizeLimit = Math.Max(1, rememberedStreams), CompactionPercentage = 0.1 });
        RememberedStreams = rememberedStreams;
    }

    public int RememberedStreams { get; }

    public async Task<Loaded<TState>> LoadAsync<TState, TEvent>(
        StreamType<TState, TEvent> type,
        string streamId,
        long? atVersion = null,
        CancellationToken cancellationToken = default)
        where TState : class
        where TEvent : IDomainEvent
    {
        ArgumentNullException.ThrowIfNull(type);
        TState? state = null;
        long version = 0;
        var updatedAt = DateTimeOffset.MinValue;

        var snapshot = await _store.ReadSnapshotAsync(streamId, cancellationToken);
        if (snapshot is not null && snapshot.Schema == type.Schema && snapshot.Version <= (atVersion ?? long.MaxValue))
        {
            state = Json.Deserialize<TState>(snapshot.State);
            version = snapshot.Version;
            updatedAt = snapshot.UpdatedAt;
        }

        var tail = await _store.ReadStreamAsync(streamId, version + 1, atVersion ?? long.MaxValue, cancellationToken);
        foreach (var stored in tail)
        {
            state = type.Evolve(state, (TEvent)EventSerializer.Deserialize(stored.Type, stored.Data));
            version = stored.Version;
            updatedAt = stored.Metadata.OccurredAt;
        }

        return new Loaded<TState>(state, version, updatedAt);
    }

    /// <summary>
    /// The stream's state at <paramref name="atLeast"/> or later: the remembered one when it is
    /// that recent, otherwise the latest from the store (which is then remembered).
    /// </summary>
    public async Task<Loaded<TState>> LoadAtLeastAsync<TState, TEvent>(
        StreamType<TState, TEvent> type,
        string streamId,
        long atLeast,
        CancellationToken cancellationToken = default)
        where TState : class
        where TEvent : IDomainEvent
    {
        if (TryRecall(type, streamId, out var recent) && recent.Version >= atLeast)
        {
            return recent;
        }

        var loaded = await LoadAsync(type, streamId, cancellationToken: cancellationToken);
        Remember(type, streamId, loaded);
        return loaded;
    }

    /// <summary>The most recent state of the stream this process has seen, if it still remembers one.</summary>
    public bool TryRecall<TState, TEvent>(StreamType<TState, TEvent> type, string streamId, out Loaded<TState> loaded)
        where TState : class
        where TEvent : IDomainEvent
    {
        ArgumentNullException.ThrowIfNull(type);
        if (_recent.TryGetValue(streamId, out Recent? entry) && entry!.Get() is { Schema: var schema, State: Loaded<TState> state } && schema == type.Schema)
        {
            loaded = state;
            return true;
        }

        loaded = null!;
        return false;
    }

    /// <summary>Remembers a state the stream has had; an older one than already remembered is ignored.</summary>
    public void Remember<TState, TEvent>(StreamType<TState, TEvent> type, string streamId, Loaded<TState> loaded)
        where TState : class
        where TEvent : IDomainEvent
    {
        ArgumentNullException.ThrowIfNull(type);
        ArgumentNullException.ThrowIfNull(loaded);
        if (RememberedStreams == 0 || loaded.State is null)
        {
            return;
        }

        var entry = _recent.GetOrCreate(streamId, created =>
        {
            created.Size = 1;
            return new Recent();
        });
        entry!.Set(type.Schema, loaded, loaded.Version);
    }

    /// <summary>Forgets the stream, after a write found the remembered state was not the latest.</summary>
    public void Forget(string streamId) => _recent.Remove(streamId);

    public void Dispose() => _recent.Dispose();

    private sealed class Recent
    {
        private readonly Lock _gate = new();
        private (string Schema, object State) _value = (string.Empty, new object());
        private long _version = -1;

        public (string Schema, object State) Get()
        {
            lock (_gate)
            {
                return _value;
            }
        }

        public void Set(string schema, object state, long version)
        {
            lock (_gate)
            {
                if (version >= _version)
                {
                    _value = (schema, state);
                    _version = version;
                }
            }
        }
    }
}
