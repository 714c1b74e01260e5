using CartOrders.Api.Carts;
using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Api.Realtime;

/// <summary><c>POST /api/carts/{cartId}/subscriptions</c>: a connection id of the caller's own real-time connection.</summary>
public sealed record SubscribeRequest(string ConnectionId)
{
    public const int MaxLength = 128;

    public static SubscribeRequest Read(JsonFields body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var connectionId = body.Text("connectionId", MaxLength);
        body.ThrowIfInvalid();
        return new(connectionId!);
    }
}

public static class SubscriptionsApi
{
    public static RouteHandlerBuilder MapSubscriptions(this IEndpointRouteBuilder routes)
    {
        var carts = routes.MapGroup("/api/carts").WithTags("Realtime").RequiresCaller();
        return carts.MapPost("/{cartId}/subscriptions", SubscribeAsync).WithName("SubscribeToCart").AsCommand()
            .Accepts<SubscribeRequest>("application/json").Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>
    /// Joins the caller's connection to the cart's group: 404 cart-not-found unless the caller is a
    /// member, 404 connection-not-found unless the connection is the caller's. Membership is checked
    /// again after joining, so a removal that raced with the join cannot leave the connection in.
    /// </summary>
    public static Task<IResult> SubscribeAsync(HttpContext http, string cartId) => ProblemBoundary.RunAsync(async () =>
    {
        var actor = Caller.ActorOf(http);
        var id = PathIds.Cart(cartId);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: true);
        var body = SubscribeRequest.Read(request.Body);
        await CartsApi.LoadMemberCartAsync(http, id, actor);
        var subscriptions = http.RequestServices.GetRequiredService<IRealtimeSubscriptions>();
        if (!await subscriptions.JoinCartAsync(body.ConnectionId, actor.UserId.Value, id.Value, http.RequestAborted))
        {
            throw new ProblemException(ApiProblem.ConnectionNotFound, "No open real-time connection of yours has that id.");
        }

        Application.Commands.Loaded<Domain.Carts.Cart> loaded;
        try
        {
            loaded = await CartsApi.LoadMemberCartAsync(http, id, actor);
        }
        catch (ProblemException)
        {
            await subscriptions.LeaveCartAsync(body.ConnectionId, id.Value, CancellationToken.None);
            throw;
        }

        http.Response.Headers.ETag = ETags.Format(loaded.Version);
        return TypedResults.NoContent();
    });
}
