using CartOrders.Api.RateLimiting;
using CartOrders.Api.Realtime;
using CartOrders.Functions.Realtime;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Azure.Functions.Worker;

namespace CartOrders.Functions.Http;

/// <summary>
/// The real-time endpoints: negotiate (the hub URL is <c>{base}/api</c>, so a SignalR client posts to
/// <c>/api/negotiate</c> and is sent on to Azure SignalR Service) and joining a cart's group.
/// </summary>
public static class RealtimeFunctions
{
    [Function(nameof(Negotiate))]
    public static Task<IResult> Negotiate(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "negotiate")] HttpRequest request) =>
        Negotiation.NegotiateAsync(HttpRequests.ContextOf(request));

    [Function(nameof(SubscribeToCart))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> SubscribeToCart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "carts/{cartId}/subscriptions")] HttpRequest request, string cartId) =>
        SubscriptionsApi.SubscribeAsync(HttpRequests.ContextOf(request), cartId);
}
