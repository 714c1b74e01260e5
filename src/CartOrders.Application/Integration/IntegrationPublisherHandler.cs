using System.Text.Json;
using CartOrders.Application.Feed;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain.Orders;
using Microsoft.Extensions.Logging;

namespace CartOrders.Application.Integration;

/// <summary>
/// Publishes the feed's public events. A batch is mapped in feed order and handed to the
/// publisher as a whole; this returns only after the broker accepted it, so the pump saves the
/// checkpoint only then, and any failure throws with the checkpoint where it was. Replaying a
/// batch publishes the same event ids again, which the broker's duplicate detection drops.
/// Events that can never be published are recorded as poison and skipped, so no stream stalls.
/// </summary>
public sealed partial class IntegrationPublisherHandler(
    IIntegrationPublisher publisher,
    IIntegrationPoisonSink poison,
    IEventStore store,
    TimeProvider time,
    ILogger<IntegrationPublisherHandler> logger) : IFeedHandler
{
    public const string SubscriptionName = "integration-publisher";

    public string Subscription => SubscriptionName;

    public async Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var outgoing = new List<IntegrationEvent>();
        var unmappable = new List<PoisonedIntegrationEvent>();
        var orders = new Dictionary<string, Order?>(StringComparer.Ordinal);
        foreach (var stored in events)
        {
            if (!IntegrationEventMapper.IsPublic(stored.Type))
            {
                continue;
            }

            // Outside the try: a store that cannot be read now fails the batch, it poisons nothing.
            var order = IntegrationEventMapper.NeedsOrder(stored.Type)
                ? await OrderOfAsync(stored.StreamId, orders, cancellationToken)
                : null;
            try
            {
                if (IntegrationEventMapper.Map(stored, order) is { } mapped)
                {
                    outgoing.Add(mapped);
                }
            }
            catch (Exception error) when (error is JsonException or InvalidOperationException)
            {
                unmappable.Add(new(stored.EventId.ToString("D"), stored.StreamId, stored.Type, "cannot be mapped: " + error.Message, time.GetUtcNow()));
            }
        }

        var result = outgoing.Count > 0 ? await publisher.PublishAsync(outgoing, cancellationToken) : PublishResult.AllOf(0);

        // Recorded only once the rest was accepted: a failed batch is handled again from the start.
        foreach (var poisoned in unmappable.Concat(result.Rejected.Select(r =>
            new PoisonedIntegrationEvent(r.Event.Id, r.Event.StreamId, r.Event.Type, r.Reason, time.GetUtcNow()))))
        {
            await poison.RecordAsync(poisoned, cancellationToken);
            IntegrationTelemetry.Poisoned.Add(1);
            LogPoisoned(logger, poisoned.EventId, poisoned.StreamId, poisoned.Type, poisoned.Reason);
        }

        if (result.Published > 0)
        {
            IntegrationTelemetry.Published.Add(result.Published, new KeyValuePair<string, object?>("publishing", publisher.IsEnabled ? "on" : "off"));
        }
    }

    /// <summary>
    /// The order as placed (its first event), read once per stream and batch; null when there is
    /// no readable placement. That is all the mapping needs, since an order's customer never
    /// changes, and it is one small read that does not depend on the rest of the stream.
    /// </summary>
    private async Task<Order?> OrderOfAsync(string streamId, Dictionary<string, Order?> orders, CancellationToken cancellationToken)
    {
        if (!orders.TryGetValue(streamId, out var order))
        {
            var first = await store.ReadStreamAsync(streamId, 1, 1, cancellationToken);
            try
            {
                order = first is [var placed] && EventSerializer.Deserialize(placed.Type, placed.Data) is OrderPlaced e
                    ? Order.Evolve(null, e)
                    : null;
            }
            catch (JsonException)
            {
                order = null; // an unreadable placement: the mapping reports the missing order as poison
            }

            orders[streamId] = order;
        }

        return order;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Integration event {EventId} ({Type}) of {StreamId} set aside as poison: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string eventId, string streamId, string type, string reason);
}
