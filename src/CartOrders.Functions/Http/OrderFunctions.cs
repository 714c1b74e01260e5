using CartOrders.Api.Orders;
using CartOrders.Api.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Azure.Functions.Worker;

namespace CartOrders.Functions.Http;

/// <summary>The order endpoints of api.md, one function each over its <see cref="OrdersApi"/> handler.</summary>
public static class OrderFunctions
{
    [Function(nameof(ListOrders))]
    public static Task<IResult> ListOrders(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orders")] HttpRequest request) =>
        OrdersApi.ListAsync(HttpRequests.ContextOf(request));

    /// <summary>
    /// <c>GET /api/admin/orders?status=</c>, for operators. The Functions host refuses a route that
    /// begins with the literal <c>admin</c> (its own management API's space, whatever the route
    /// prefix), so the first segment is a parameter that only the word <c>admin</c> matches: the
    /// same path as the local server's, matched by the host's router.
    /// </summary>
    [Function(nameof(ListOrdersByStatus))]
    public static Task<IResult> ListOrdersByStatus(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{area:regex(^admin$)}/orders")] HttpRequest request) =>
        OrdersApi.ListByStatusAsync(HttpRequests.ContextOf(request));

    [Function(nameof(GetOrder))]
    public static Task<IResult> GetOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "orders/{orderId}")] HttpRequest request, string orderId) =>
        OrdersApi.GetAsync(HttpRequests.ContextOf(request), orderId);

    [Function(nameof(CancelOrder))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> CancelOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{orderId}/cancel")] HttpRequest request, string orderId) =>
        OrdersApi.CancelAsync(HttpRequests.ContextOf(request), orderId);

    [Function(nameof(RecordPayment))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> RecordPayment(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{orderId}/payment")] HttpRequest request, string orderId) =>
        OrdersApi.RecordPaymentAsync(HttpRequests.ContextOf(request), orderId);

    [Function(nameof(ShipOrder))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> ShipOrder(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "orders/{orderId}/shipment")] HttpRequest request, string orderId) =>
        OrdersApi.ShipAsync(HttpRequests.ContextOf(request), orderId);
}
