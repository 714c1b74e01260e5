using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain;

namespace CartOrders.Application.Commands;

/// <summary>Loads a stream's state from its snapshot plus the events after it: O(1) reads for any length.</summary>
public sealed class StreamLoader(IEventStore store)
{
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

        var snapshot = await store.ReadSnapshotAsync(streamId, cancellationToken);
        if (snapshot is not null && snapshot.Schema == type.Schema && snapshot.Version <= (atVersion ?? long.MaxValue))
        {
            state = Json.Deserialize<TState>(snapshot.State);
            version = snapshot.Version;
            updatedAt = snapshot.UpdatedAt;
        }

        var tail = await store.ReadStreamAsync(streamId, version + 1, atVersion ?? long.MaxValue, cancellationToken);
        foreach (var stored in tail)
        {
            state = type.Evolve(state, (TEvent)EventSerializer.Deserialize(stored.Type, stored.Data));
            version = stored.Version;
            updatedAt = stored.Metadata.OccurredAt;
        }

        return new Loaded<TState>(state, version, updatedAt);
    }
}
