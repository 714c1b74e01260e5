using System.Text.Json.Nodes;
using CartOrders.Domain.Carts;

namespace CartOrders.Domain.Orders;

/// <summary>The older schemas of order events (v1: money as JSON decimals; v2: minor units).</summary>
public static class OrderEventUpcasters
{
    public static IReadOnlyList<Upcaster> All { get; } =
    [
        new("OrderPlaced.v1", "OrderPlaced.v2", CartEventUpcasters.LinesAndTotalV1ToV2),
    ];
}
