using CartOrders.Domain.Carts;

namespace CartOrders.Domain.Orders;

/// <summary>The stored shape of <c>OrderPlaced.v1</c>: decimal lines and total.</summary>
public sealed record OrderPlacedV1Data(
    string OrderId,
    string CartId,
    string CustomerId,
    IReadOnlyList<CartLineV1Data> Lines,
    decimal Total,
    string Currency,
    ShippingAddress ShippingAddress,
    DateTimeOffset At);

/// <summary>The older schemas of order events (v1: money as JSON decimals; v2: minor units).</summary>
public static class OrderEventUpcasters
{
    public static IReadOnlyList<Upcaster> All { get; } =
    [
        new Upcaster<OrderPlacedV1Data, OrderPlaced>("OrderPlaced.v1", "OrderPlaced.v2", PlacedV1ToV2),
    ];

    public static OrderPlaced PlacedV1ToV2(OrderPlacedV1Data v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        return new(
            v1.OrderId,
            v1.CartId,
            v1.CustomerId,
            CartEventUpcasters.LinesV1ToV2(v1.Lines, v1.Currency),
            UpcastMoney.Minor(v1.Total, v1.Currency, "total"),
            v1.Currency,
            v1.ShippingAddress,
            v1.At);
    }
}
