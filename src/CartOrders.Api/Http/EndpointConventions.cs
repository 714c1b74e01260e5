using CartOrders.Api.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CartOrders.Api.Http;

/// <summary>What every command endpoint shares: the per-user rate limit and the problems any command may answer.</summary>
public static class EndpointConventions
{
    public static RouteHandlerBuilder AsCommand(this RouteHandlerBuilder endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint
            .RequireRateLimiting(CommandRateLimiting.Policy)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>Routes that need a bearer token answer 401 without one.</summary>
    public static RouteGroupBuilder RequiresCaller(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized);
        return group;
    }
}
