namespace CartOrders.Application.Integration;

/// <summary>
/// Sends integration events to the broker, in the order given. Returns only once the broker
/// accepted every event it reports as published; any failure that may pass (a transient fault
/// past the retry budget, an outage) throws, so the caller does not move its checkpoint.
/// Events that can never be sent (too large, refused as invalid) come back as rejected.
/// </summary>
public interface IIntegrationPublisher
{
    /// <summary>False when no broker is configured and events are only logged.</summary>
    bool IsEnabled { get; }

    Task<PublishResult> PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken = default);
}

/// <summary>How many events the broker accepted, and those it never will, with why.</summary>
public sealed record PublishResult(int Published, IReadOnlyList<RejectedIntegrationEvent> Rejected)
{
    public static PublishResult AllOf(int count) => new(count, []);
}

public sealed record RejectedIntegrationEvent(IntegrationEvent Event, string Reason);
