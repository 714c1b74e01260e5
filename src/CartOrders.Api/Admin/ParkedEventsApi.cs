using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using CartOrders.Application.Feed;
using CartOrders.Application.Ports;
using CartOrders.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Api.Admin;

/// <summary>One parked event as the operator sees it.</summary>
public sealed record ParkedEventView(string Subscription, string StreamId, long Version, string Type, string Reason, DateTimeOffset ParkedAt);

/// <summary>What a replay did with one stream's parked events.</summary>
public sealed record ReplayedStreamView(string StreamId, int Events, bool Succeeded, string? Error);

public sealed record ReplayView(string Subscription, IReadOnlyList<ReplayedStreamView> Results);

/// <summary><c>POST /api/admin/parked/replay</c>: which subscription's parked events to hand back to its handler.</summary>
public sealed record ReplayRequest(string Subscription)
{
    public static ReplayRequest Read(JsonFields body, IReadOnlyCollection<string> known)
    {
        ArgumentNullException.ThrowIfNull(body);
        var subscription = body.Text("subscription", 64);
        if (subscription is not null && !known.Contains(subscription))
        {
            body.Fail<string>("subscription", $"Not a feed subscription of this host; one of: {string.Join(", ", known)}.");
        }

        body.ThrowIfInvalid();
        return new(subscription!);
    }
}

/// <summary>
/// The operator's view of the feed's parked events (those a subscription could not handle for
/// good, kept aside so the other streams go on) and the command that replays them once the cause
/// is fixed: each stream's parked events go back to the subscription's own handler in version
/// order; a stream that now succeeds is released, one that still fails stays parked.
/// Operators only (403 operator-only); anonymous callers get 401.
/// </summary>
public static class ParkedEventsApi
{
    public static RouteGroupBuilder MapParkedEvents(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/admin/parked").WithTags("Admin").RequiresCaller();
        admin.MapGet("", (Delegate)ListAsync).WithName("ListParkedEvents")
            .Produces<ParkedEventView[]>().ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapPost("/replay", (Delegate)ReplayAsync).WithName("ReplayParkedEvents").AsCommand()
            .Accepts<ReplayRequest>("application/json").Produces<ReplayView>().ProducesProblem(StatusCodes.Status403Forbidden);
        return admin;
    }

    /// <summary>Every parked event, or one subscription's (<c>?subscription=</c>), oldest first within each stream.</summary>
    public static Task<IResult> ListAsync(HttpContext http) => ProblemBoundary.RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(http);
        var actor = Caller.ActorOf(http);
        string? subscription = null;
        if (http.Request.Query.TryGetValue("subscription", out var values))
        {
            subscription = values.Count == 1 && Handlers(http).ContainsKey(values[0] ?? string.Empty)
                ? values[0]
                : throw new ProblemException(
                    ApiProblem.ValidationFailed,
                    "subscription must name one feed subscription of this host.",
                    new Dictionary<string, string[]> { ["subscription"] = [$"One of: {string.Join(", ", Handlers(http).Keys)}."] });
        }

        RequireOperator(actor);
        var list = "parked:" + subscription;
        var request = ListPaging.Read(http, actor.UserId.Value, list);
        var page = await ListPaging.ReadAsync(() =>
            http.RequestServices.GetRequiredService<IParkedEventStore>().ListPageAsync(subscription, request.Page, http.RequestAborted));
        var views = page.Items
            .Select(p => new ParkedEventView(p.Subscription, p.Event.StreamId, p.Event.Version, p.Event.Type, p.Reason, p.ParkedAt))
            .ToList();
        return ListPaging.Answer(http, actor.UserId.Value, list, request, new Page<ParkedEventView>(views, page.Next));
    });

    /// <summary>
    /// Replays one subscription's parked events through its handler (the same one its feed pump
    /// uses) and answers per stream. Safe to repeat: a stream that succeeded is no longer parked.
    /// </summary>
    public static Task<IResult> ReplayAsync(HttpContext http) => ProblemBoundary.RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(http);
        var actor = Caller.ActorOf(http);
        var request = await CommandRequest.ReadAsync(http, actor, bodyRequired: true);
        var handlers = Handlers(http);
        var body = ReplayRequest.Read(request.Body, [.. handlers.Keys]);
        RequireOperator(actor);
        var replayer = new ParkedEventReplayer(http.RequestServices.GetRequiredService<IParkedEventStore>());
        var results = await replayer.ReplayAsync(handlers[body.Subscription], CancellationToken.None);
        return TypedResults.Ok(new ReplayView(
            body.Subscription,
            [.. results.Select(r => new ReplayedStreamView(r.StreamId, r.Events, r.Succeeded, r.Error))]));
    });

    private static Dictionary<string, IFeedHandler> Handlers(HttpContext http) =>
        http.RequestServices.GetServices<IFeedHandler>()
            .GroupBy(h => h.Subscription, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    private static void RequireOperator(Actor actor)
    {
        if (!actor.IsOperator)
        {
            throw new ProblemException(ApiProblem.From(DomainError.OperatorOnly), "Only an operator may see or replay parked events.");
        }
    }
}
