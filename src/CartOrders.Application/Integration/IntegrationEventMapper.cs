using System.Collections.Frozen;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;

namespace CartOrders.Application.Integration;

/// <summary>
/// Turns a stored domain event into its public integration event, or null for the events that
/// stay private (everything but checkout, abandonment and the order lifecycle). A pure function: the events
/// after OrderPlaced do not carry the customer, so for them the caller passes the order's state
/// (any version at or after placement will do: an order's customer never changes).
/// </summary>
public static class IntegrationEventMapper
{
    private static readonly FrozenSet<string> s_public = FrozenSet.ToFrozenSet(
        [
            EventSerializer.NameOf<CartCheckedOut>(),
            EventSerializer.NameOf<CartAbandoned>(),
            EventSerializer.NameOf<OrderPlaced>(),
            EventSerializer.NameOf<PaymentAuthorized>(),
            EventSerializer.NameOf<PaymentRejected>(),
            EventSerializer.NameOf<OrderShipped>(),
            EventSerializer.NameOf<OrderCancelled>(),
        ],
        StringComparer.Ordinal);

    private static readonly FrozenSet<string> s_needOrder = FrozenSet.ToFrozenSet(
        [
            EventSerializer.NameOf<PaymentAuthorized>(),
            EventSerializer.NameOf<PaymentRejected>(),
            EventSerializer.NameOf<OrderShipped>(),
            EventSerializer.NameOf<OrderCancelled>(),
        ],
        StringComparer.Ordinal);

    /// <summary>Whether events stored under this type name are published.</summary>
    public static bool IsPublic(string storedType) => s_public.Contains(CurrentName(storedType));

    /// <summary>Whether mapping this type needs the order's state (for its customer).</summary>
    public static bool NeedsOrder(string storedType) => s_needOrder.Contains(CurrentName(storedType));

    // Events stored under an older schema are published like the current ones they upcast to.
    private static string CurrentName(string storedType) => EventSerializer.CurrentName(storedType) ?? storedType;

    /// <exception cref="System.Text.Json.JsonException">The stored data cannot be read as its type.</exception>
    /// <exception cref="InvalidOperationException">The event needs the order's state and none (or another order's) was given.</exception>
    public static IntegrationEvent? Map(StoredEvent stored, Order? order = null)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (!IsPublic(stored.Type))
        {
            return null;
        }

        return EventSerializer.Deserialize(stored.Type, stored.Data) switch
        {
            CartCheckedOut e => Envelope(
                stored,
                IntegrationEventTypes.CartCheckedOut,
                "carts/" + IdIn(stored.StreamId, "cart-"),
                stored.Metadata.OccurredAt,
                new CartCheckedOutV1(IdIn(stored.StreamId, "cart-"), e.OrderId, e.OwnerId, Lines(e.Lines, e.Currency), Money.ToDecimal(e.TotalMinor, e.Currency), e.Currency)),
            CartAbandoned e => Envelope(
                stored,
                IntegrationEventTypes.CartAbandoned,
                "carts/" + IdIn(stored.StreamId, "cart-"),
                stored.Metadata.OccurredAt,
                new CartAbandonedV1(IdIn(stored.StreamId, "cart-"), e.OwnerId, e.IdleSince, stored.Metadata.OccurredAt)),
            OrderPlaced e => Envelope(
                stored,
                IntegrationEventTypes.OrderPlaced,
                "orders/" + e.OrderId,
                e.At,
                new OrderPlacedV1(e.OrderId, e.CartId, e.CustomerId, Lines(e.Lines, e.Currency), Money.ToDecimal(e.TotalMinor, e.Currency), e.Currency, e.At)),
            PaymentAuthorized e => OrderEnvelope(
                stored,
                IntegrationEventTypes.OrderPaymentAuthorized,
                e.At,
                order,
                (orderId, customerId) => new OrderPaymentAuthorizedV1(orderId, customerId, e.Reference, e.At)),
            PaymentRejected e => OrderEnvelope(
                stored,
                IntegrationEventTypes.OrderRejected,
                e.At,
                order,
                (orderId, customerId) => new OrderRejectedV1(orderId, customerId, e.Reference, e.At)),
            OrderShipped e => OrderEnvelope(
                stored,
                IntegrationEventTypes.OrderShipped,
                e.At,
                order,
                (orderId, customerId) => new OrderShippedV1(orderId, customerId, e.Carrier, e.TrackingNumber, e.At)),
            OrderCancelled e => OrderEnvelope(
                stored,
                IntegrationEventTypes.OrderCancelled,
                e.At,
                order,
                (orderId, customerId) => new OrderCancelledV1(orderId, customerId, e.Reason, e.At)),
            var other => throw new InvalidOperationException($"No integration event for {other.GetType().Name}."),
        };
    }

    private static IntegrationEvent OrderEnvelope(
        StoredEvent stored, string type, DateTimeOffset at, Order? order, Func<string, string, object> data)
    {
        var orderId = IdIn(stored.StreamId, "order-");
        if (order is null || order.OrderId != orderId)
        {
            throw new InvalidOperationException($"{stored.Type} of {stored.StreamId} needs that order's state for its customer.");
        }

        return Envelope(stored, type, "orders/" + orderId, at, data(orderId, order.CustomerId));
    }

    private static IntegrationEvent Envelope(StoredEvent stored, string type, string subject, DateTimeOffset time, object data) =>
        new(stored.EventId.ToString("D"), type, subject, time, data, stored.StreamId, stored.Metadata.CorrelationId);

    // Published amounts stay decimals of the currency (the v1 contract), converted from the stored minor units.
    private static List<OrderLineV1> Lines(IEnumerable<CartLine> lines, string currency) =>
        [.. lines.Select(l => new OrderLineV1(l.ProductId, l.Name, Money.ToDecimal(l.UnitPriceMinor, currency), l.Quantity, Money.ToDecimal(l.LineTotalMinor, currency)))];

    private static string IdIn(string streamId, string prefix) =>
        streamId.StartsWith(prefix, StringComparison.Ordinal) && IdRules.IsValid(streamId[prefix.Length..])
            ? streamId[prefix.Length..]
            : throw new InvalidOperationException($"'{streamId}' is not a {prefix}{{id}} stream.");
}
