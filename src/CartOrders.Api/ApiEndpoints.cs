using CartOrders.Api.Admin;
using CartOrders.Api.Carts;
using CartOrders.Api.Catalog;
using CartOrders.Api.Health;
using CartOrders.Api.Orders;
using CartOrders.Api.Realtime;
using Microsoft.AspNetCore.Routing;

namespace CartOrders.Api;

public static class ApiEndpoints
{
    /// <summary>Every endpoint of api.md under <c>/api</c> (the dev token endpoint and the hub are the host's), and the operator's endpoints (parked events, projections, orders by status).</summary>
    public static IEndpointRouteBuilder MapCartOrdersApi(this IEndpointRouteBuilder routes)
    {
        routes.MapProducts();
        routes.MapCarts();
        routes.MapSubscriptions();
        routes.MapOrders();
        routes.MapHealth();
        routes.MapParkedEvents();
        routes.MapProjections();
        routes.MapOperatorOrders();
        return routes;
    }
}
