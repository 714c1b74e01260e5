using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;

namespace CartOrders.Messaging.ServiceBus.Tests;

/// <summary>One cart checked out into one order, and its lifecycle, as stored events.</summary>
internal static class TestEvents
{
    public const string CartStream = "cart-c1";
    public const string OrderStream = "order-o1";
    public const string Correlation = "corr-123";

    public static readonly DateTimeOffset CheckedOutAt = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset PlacedAt = CheckedOutAt.AddSeconds(1);
    public static readonly DateTimeOffset Later = CheckedOutAt.AddHours(2);

    public static readonly ShippingAddress Address = new("Alice Example", "1 Main Street", "Springfield", "12345", "NL");

    public static readonly IReadOnlyList<CartLine> Lines =
        [new CartLine("apple", "Apple", 50, 4), new CartLine("pear", "Pear", 125, 2)];

    public static CartCheckedOut CheckedOut { get; } = new("o1", "alice", Address, Lines, 450, "EUR");

    public static OrderPlaced Placed { get; } = new("o1", "c1", "alice", Lines, 450, "EUR", Address, PlacedAt);

    public static Order PlacedOrder { get; } = Order.Evolve(null, Placed)!;

    public static StoredEvent Stored(string streamId, long version, IDomainEvent @event, Guid? eventId = null, string? correlationId = Correlation) =>
        new(
            streamId,
            version,
            eventId ?? Guid.NewGuid(),
            EventSerializer.TypeName(@event),
            EventSerializer.Serialize(@event),
            new EventMetadata("alice", @event is OrderEvent o ? o.At : CheckedOutAt, correlationId));

    /// <summary>A cart's whole life through checkout, then its order's placement and payment.</summary>
    public static IReadOnlyList<StoredEvent> CartToPaidOrder() =>
    [
        Stored(CartStream, 1, new CartCreated("c1", "alice", "EUR")),
        Stored(CartStream, 2, new ItemAdded("apple", "Apple", 50, "EUR", 4)),
        Stored(CartStream, 3, new ItemAdded("pear", "Pear", 125, "EUR", 2)),
        Stored(CartStream, 4, CheckedOut),
        Stored(OrderStream, 1, Placed),
        Stored(OrderStream, 2, new PaymentAuthorized("pay-42", Later)),
    ];
}
