using CartOrders.Api.Admin;
using CartOrders.Api.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Azure.Functions.Worker;

namespace CartOrders.Functions.Http;

/// <summary>
/// The operator's projection endpoints of api.md, one function each over its <see cref="ProjectionsApi"/>
/// handler. The Functions host refuses a route that begins with the literal <c>admin</c> (its own
/// management API's space, whatever the route prefix), so the first segment is a parameter that only
/// the word <c>admin</c> matches, as for <see cref="OrderFunctions.ListOrdersByStatus"/>. The rebuild
/// a 202 starts moves on in the <c>FeedPump</c> timer's ticks.
/// </summary>
public static class AdminFunctions
{
    [Function(nameof(ListProjections))]
    public static Task<IResult> ListProjections(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{area:regex(^admin$)}/projections")] HttpRequest request) =>
        ProjectionsApi.ListAsync(HttpRequests.ContextOf(request));

    [Function(nameof(GetProjection))]
    public static Task<IResult> GetProjection(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "{area:regex(^admin$)}/projections/{name}")] HttpRequest request, string name) =>
        ProjectionsApi.GetAsync(HttpRequests.ContextOf(request), name);

    [Function(nameof(RebuildProjection))]
    [EnableRateLimiting(CommandRateLimiting.Policy)]
    public static Task<IResult> RebuildProjection(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "{area:regex(^admin$)}/projections/{name}/rebuild")] HttpRequest request, string name) =>
        ProjectionsApi.RebuildAsync(HttpRequests.ContextOf(request), name);
}
