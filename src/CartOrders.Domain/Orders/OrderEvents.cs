using CartOrders.Domain.Carts;

namespace CartOrders.Domain.Orders;

/// <summary>Events of an order stream (<c>order-{orderId}</c>); each carries the business time it happened.</summary>
public abstract record OrderEvent(DateTimeOffset At) : IDomainEvent;

/// <summary>Prices and the total in minor units of <paramref name="Currency"/>.</summary>
[EventType("OrderPlaced.v2")]
public sealed record OrderPlaced(
    string OrderId,
    string CartId,
    string CustomerId,
    IReadOnlyList<CartLine> Lines,
    long TotalMinor,
    string Currency,
    ShippingAddress ShippingAddress,
    DateTimeOffset At) : OrderEvent(At);

[EventType("PaymentAuthorized.v1")]
public sealed record PaymentAuthorized(string Reference, DateTimeOffset At) : OrderEvent(At);

[EventType("PaymentRejected.v1")]
public sealed record PaymentRejected(string Reference, DateTimeOffset At) : OrderEvent(At);

[EventType("OrderShipped.v1")]
public sealed record OrderShipped(string Carrier, string TrackingNumber, DateTimeOffset At) : OrderEvent(At);

[EventType("OrderCancelled.v1")]
public sealed record OrderCancelled(string Reason, string CancelledBy, DateTimeOffset At) : OrderEvent(At);
