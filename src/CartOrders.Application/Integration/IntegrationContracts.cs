namespace CartOrders.Application.Integration;

// The `data` of each public integration event. Deliberately separate from the domain events:
// they carry only what consumers may rely on (no shipping address, no internal type names).

public sealed record OrderLineV1(string ProductId, string Name, decimal UnitPrice, int Quantity, decimal LineTotal);

public sealed record CartCheckedOutV1(
    string CartId,
    string OrderId,
    string CustomerId,
    IReadOnlyList<OrderLineV1> Items,
    decimal Total,
    string Currency);

/// <summary>An open cart left idle since <c>IdleSince</c> was ended at <c>AbandonedAt</c>; no order follows.</summary>
public sealed record CartAbandonedV1(string CartId, string OwnerId, DateTimeOffset IdleSince, DateTimeOffset AbandonedAt);

public sealed record OrderPlacedV1(
    string OrderId,
    string CartId,
    string CustomerId,
    IReadOnlyList<OrderLineV1> Items,
    decimal Total,
    string Currency,
    DateTimeOffset PlacedAt);

public sealed record OrderPaymentAuthorizedV1(string OrderId, string CustomerId, string PaymentReference, DateTimeOffset At);

public sealed record OrderRejectedV1(string OrderId, string CustomerId, string PaymentReference, DateTimeOffset At);

public sealed record OrderShippedV1(string OrderId, string CustomerId, string Carrier, string TrackingNumber, DateTimeOffset At);

public sealed record OrderCancelledV1(string OrderId, string CustomerId, string Reason, DateTimeOffset At);
