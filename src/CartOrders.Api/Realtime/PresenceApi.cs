using CartOrders.Api.Carts;
using CartOrders.Api.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Api.Realtime;

/// <summary>Who has a cart open right now, as a host that keeps its hub connections knows it.</summary>
public interface ICartPresence
{
    /// <summary>The users with at least one connection in the cart's group, in order.</summary>
    IReadOnlyList<string> ViewersOf(string cartId);
}

/// <summary>The <c>presence</c> message and the answer of <c>GET /api/carts/{cartId}/presence</c>.</summary>
public sealed record PresenceView(string CartId, IReadOnlyList<string> Users);

/// <summary>
/// Presence and leaving a cart's real-time group: <c>GET /api/carts/{cartId}/presence</c> and
/// <c>DELETE /api/carts/{cartId}/subscriptions/{connectionId}</c>. Served by the host that keeps its
/// hub connections (the local server); members only, like the cart itself.
/// </summary>
public static class PresenceApi
{
    public static RouteGroupBuilder MapPresence(this IEndpointRouteBuilder routes)
    {
        var carts = routes.MapGroup("/api/carts").WithTags("Realtime").RequiresCaller();
        carts.MapGet("/{cartId}/presence", GetAsync).WithName("GetCartPresence")
            .Produces<PresenceView>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status404NotFound);
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
        http.Response.Headers.ETag = ETags.Format(loaded.Version);
        return TypedResults.Ok(new PresenceView(id.Value, presence.ViewersOf(id.Value)));
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
