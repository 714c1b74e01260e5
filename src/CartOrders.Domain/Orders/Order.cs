using System.Collections.Immutable;
using CartOrders.Domain.Carts;

namespace CartOrders.Domain.Orders;

public enum OrderStatus
{
    Placed,
    PaymentAuthorized,
    Rejected,
    Shipped,
    Cancelled,
}

public sealed record StatusChange(OrderStatus Status, DateTimeOffset At);

/// <summary>The state of an order, folded from its events. <c>null</c> means no order was placed.</summary>
public sealed record Order(
    string OrderId,
    string CartId,
    string CustomerId,
    ImmutableList<CartLine> Lines,
    long TotalMinor,
    string Currency,
    ShippingAddress ShippingAddress,
    OrderStatus Status,
    ImmutableList<StatusChange> History,
    string? PaymentReference,
    string? Carrier,
    string? TrackingNumber,
    string? CancellationReason)
{
    public static Order? Evolve(Order? state, OrderEvent @event) => (state, @event) switch
    {
        (null, OrderPlaced e) => new Order(
            e.OrderId, e.CartId, e.CustomerId, [.. e.Lines], e.TotalMinor, e.Currency, e.ShippingAddress,
            OrderStatus.Placed, [new StatusChange(OrderStatus.Placed, e.At)], null, null, null, null),
        (null, _) => throw new InvalidDataException($"{@event.GetType().Name} before OrderPlaced."),
        (_, OrderPlaced) => throw new InvalidDataException("OrderPlaced on an existing order."),
        (var s, PaymentAuthorized e) => s.MoveTo(OrderStatus.PaymentAuthorized, e.At) with { PaymentReference = e.Reference },
        (var s, PaymentRejected e) => s.MoveTo(OrderStatus.Rejected, e.At) with { PaymentReference = e.Reference },
        (var s, OrderShipped e) => s.MoveTo(OrderStatus.Shipped, e.At) with { Carrier = e.Carrier, TrackingNumber = e.TrackingNumber },
        (var s, OrderCancelled e) => s.MoveTo(OrderStatus.Cancelled, e.At) with { CancellationReason = e.Reason },
        _ => throw new InvalidDataException($"Unknown order event {@event.GetType().Name}."),
    };

    public static Order? Fold(IEnumerable<OrderEvent> events) => events.Aggregate((Order?)null, Evolve);

    public bool IsVisibleTo(Actor actor) => actor.IsOperator || CustomerId == actor.UserId.Value;

    private Order MoveTo(OrderStatus status, DateTimeOffset at) =>
        this with { Status = status, History = History.Add(new StatusChange(status, at)) };
}
