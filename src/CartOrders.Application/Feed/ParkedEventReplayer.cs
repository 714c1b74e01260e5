using CartOrders.Application.Ports;

namespace CartOrders.Application.Feed;

/// <summary>What a replay of parked events did, per stream.</summary>
public sealed record ReplayResult(string Subscription, string StreamId, int Events, bool Succeeded, string? Error);

/// <summary>
/// Hands a subscription's parked events back to its handler, stream by stream in version order.
/// A stream that now succeeds is released (its later events flow normally again); one that
/// still fails stays parked.
/// </summary>
public sealed class ParkedEventReplayer(IParkedEventStore parking)
{
    public async Task<IReadOnlyList<ReplayResult>> ReplayAsync(IFeedHandler handler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var results = new List<ReplayResult>();
        var parked = await parking.ListAsync(handler.Subscription, cancellationToken);
        foreach (var stream in parked.GroupBy(p => p.Event.StreamId))
        {
            var events = stream.Select(p => p.Event).OrderBy(e => e.Version).ToList();
            try
            {
                await handler.HandleAsync(events, cancellationToken);
                await parking.RemoveAsync(handler.Subscription, stream.Key, events[^1].Version, cancellationToken);
                results.Add(new ReplayResult(handler.Subscription, stream.Key, events.Count, true, null));
            }
#pragma warning disable CA1031 // a failed replay is reported, and the events stay parked
            catch (Exception error)
#pragma warning restore CA1031
            {
                results.Add(new ReplayResult(handler.Subscription, stream.Key, events.Count, false, error.Message));
            }
        }

        return results;
    }
}
