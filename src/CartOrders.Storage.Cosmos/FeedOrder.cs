using CartOrders.Application.Ports;

namespace CartOrders.Storage.Cosmos;

/// <summary>The order a feed batch hands out its events in.</summary>
internal static class FeedOrder
{
    /// <summary>
    /// Keeps the change feed's interleaving of streams (its order per partition key is already
    /// the order of writes) but guarantees that within a batch each stream's versions are distinct
    /// and ascending: items written by one transactional batch share a timestamp and LSN, and their
    /// order among themselves is not something to rely on.
    /// </summary>
    public static IReadOnlyList<StoredEvent> Arrange(IReadOnlyList<StoredEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var byStream = events
            .GroupBy(e => e.StreamId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => new Queue<StoredEvent>(g.DistinctBy(e => e.Version).OrderBy(e => e.Version)), StringComparer.Ordinal);
        var arranged = new List<StoredEvent>(events.Count);
        foreach (var slot in events)
        {
            if (byStream[slot.StreamId].TryDequeue(out var next))
            {
                arranged.Add(next);
            }
        }

        return arranged;
    }
}
