using CartOrders.Api.RateLimiting;
using CartOrders.Api.Realtime;
using CartOrders.Functions.Realtime;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Azure.Functions.Worker;

namespace CartOrders.Functions.Http;

/// <summary>
/// The real-time endpoints: negotiate (the hub URL is <c>{base}/api</c>, so a SignalR client posts to
/// <c>/api/negotiate</c> and is sent on to Azure SignalR Service), joining a cart's group, refreshing
/// and leaving it, and who has the cart open (<see cref="ServerlessPresence"/>).
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

    [Function(nameof(RefreshCartSubscription))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> RefreshCartSubscription(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = "carts/{cartId}/subscriptions/{connectionId}")] HttpRequest request, string cartId, string connectionId) =>
        PresenceApi.RefreshAsync(HttpRequests.ContextOf(request), cartId, connectionId);

    [Function(nameof(UnsubscribeFromCart))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> UnsubscribeFromCart(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "carts/{cartId}/subscriptions/{connectionId}")] HttpRequest request, string cartId, string connectionId) =>
        PresenceApi.LeaveAsync(HttpRequests.ContextOf(request), cartId, connectionId);

    [Function(nameof(GetCartPresence))]
    public static Task<IResult> GetCartPresence(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "carts/{cartId}/presence")] HttpRequest request, string cartId) =>
        PresenceApi.GetAsync(HttpRequests.ContextOf(request), cartId);
}
