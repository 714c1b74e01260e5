using CartOrders.Api.Carts;
using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Api.Realtime;

/// <summary>
/// Who has a cart open right now: from the hub's own connections on the local server, from a
/// presence record per cart in serverless mode (the SignalR service keeps no listing of a group).
/// </summary>
public interface ICartPresence
{
    /// <summary>The users with at least one connection in the cart's group, in order.</summary>
    Task<IReadOnlyList<string>> ViewersOfAsync(string cartId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The connection still has the cart open (a page says so every 30 s while it shows the cart):
    /// true when it is one of the user's own connections and subscribed to the cart, false otherwise.
    /// </summary>
    Task<bool> RefreshAsync(string cartId, string connectionId, string userId, CancellationToken cancellationToken = default);
}

/// <summary>The <c>presence</c> message and the answer of <c>GET /api/carts/{cartId}/presence</c>.</summary>
public sealed record PresenceView(string CartId, IReadOnlyList<string> Users);

/// <summary>
/// Presence and a cart's real-time group: <c>GET /api/carts/{cartId}/presence</c>, <c>PUT
/// /api/carts/{cartId}/subscriptions/{connectionId}</c> (the page still has the cart open) and
/// <c>DELETE /api/carts/{cartId}/subscriptions/{connectionId}</c>. Members only, like the cart itself;
/// served by the local server and the Functions app alike.
/// </summary>
public static class PresenceApi
{
    public static RouteGroupBuilder MapPresence(this IEndpointRouteBuilder routes)
    {
        var carts = routes.MapGroup("/api/carts").WithTags("Realtime").RequiresCaller();
        carts.MapGet("/{cartId}/presence", GetAsync).WithName("GetCartPresence")
            .Produces<PresenceView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        carts.MapPut("/{cartId}/subscriptions/{connectionId}", RefreshAsync).WithName("RefreshCartSubscription").AsCommand()
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
        carts.MapDelete("/{cartId}/subscriptions/{connectionId}", LeaveAsync).WithName("UnsubscribeFromCart").AsCommand()
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        return carts;
    }

    public static Task<IResult> GetAsync(HttpContext http, string cartId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var loaded = await CartsApi.LoadMemberCartAsync(http, id, actor);
        var presence = http.RequestServices.GetRequiredService<ICartPresence>();
        var users = await presence.ViewersOfAsync(id.Value, http.RequestAborted);
        http.Response.Headers.ETag = ETags.Format(loaded.Version);
        return TypedResults.Ok(new PresenceView(id.Value, users));
    });

    /// <summary>
    /// The caller's connection still has the cart open: keeps it counted in the cart's presence (in
    /// serverless mode an entry not refreshed for 90 s expires). 204, or 404 connection-not-found
    /// when the connection is not the caller's or not subscribed to the cart (subscribe again).
    /// </summary>
    public static Task<IResult> RefreshAsync(HttpContext http, string cartId, string connectionId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var connection = PathIds.Connection(connectionId);
        await CommandRequest.ReadAsync(http, actor, bodyRequired: false);
        var loaded = await CartsApi.LoadMemberCartAsync(http, id, actor);
        var presence = http.RequestServices.GetRequiredService<ICartPresence>();
        if (!await presence.RefreshAsync(id.Value, connection, actor.UserId.Value, http.RequestAborted))
        {
            throw new ProblemException(ApiProblem.ConnectionNotFound, "No real-time connection of yours with that id is subscribed to this cart.");
        }

        http.Response.Headers.ETag = ETags.Format(loaded.Version);
        return TypedResults.NoContent();
    });

    /// <summary>
    /// Takes one of the caller's connections out of the cart's group (the page closed the cart):
    /// 204 also when it was not in it; someone else's or an unknown connection changes nothing.
    /// </summary>
    public static Task<IResult> LeaveAsync(HttpContext http, string cartId, string connectionId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var connection = PathIds.Connection(connectionId);
        await CommandRequest.ReadAsync(http, actor, bodyRequired: false);
        await CartsApi.LoadMemberCartAsync(http, id, actor);
        var subscriptions = http.RequestServices.GetRequiredService<IRealtimeSubscriptions>();
        await subscriptions.LeaveCartAsync(connection, actor.UserId.Value, id.Value, http.RequestAborted);
        return TypedResults.NoContent();
    });
}
