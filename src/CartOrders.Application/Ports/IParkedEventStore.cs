namespace CartOrders.Application.Ports;

/// <summary>An event a subscription could not handle, kept aside with the reason.</summary>
public sealed record ParkedEvent(string Subscription, StoredEvent Event, string Reason, DateTimeOffset ParkedAt);

/// <summary>
/// Where feed subscriptions park events that fail for good, so one bad stream does not hold
/// back every other stream. Once a stream has a parked event, its later events are parked
/// too, so the stream's order is kept until the parked events are replayed.
/// </summary>
public interface IParkedEventStore
{
    Task ParkAsync(IReadOnlyList<ParkedEvent> events, CancellationToken cancellationToken = default);

    /// <summary>Which of the given streams have parked events for the subscription.</summary>
    Task<IReadOnlySet<string>> ParkedStreamsAsync(string subscription, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default);

    /// <summary>Parked events, oldest first within each stream; all subscriptions when null.</summary>
    Task<IReadOnlyList<ParkedEvent>> ListAsync(string? subscription, CancellationToken cancellationToken = default);

    Task RemoveAsync(string subscription, string streamId, long throughVersion, CancellationToken cancellationToken = default);
}
