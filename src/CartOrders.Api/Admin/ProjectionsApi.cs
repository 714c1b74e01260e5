using CartOrders.Api.Http;
using CartOrders.Api.Problems;
using CartOrders.Application.Rebuilds;
using CartOrders.Domain;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Api.Admin;

/// <summary>A rebuild under way, as operators and the health probe see it.</summary>
public sealed record RebuildView(int Generation, int Version, DateTimeOffset StartedAt, long Position, long Remaining, double EventsPerSecond, double? SecondsLeft)
{
    public static RebuildView? From(RebuildProgress? progress) => progress is null ? null : new(
        progress.Generation, progress.Version, progress.StartedAt, progress.Position, progress.Remaining, progress.EventsPerSecond, progress.SecondsLeft);
}

/// <summary>A projection: its version in this build, the live generation and the version that built it, and its rebuild if one runs.</summary>
public sealed record ProjectionView(string Name, int Version, int Generation, int LiveVersion, string Status, RebuildView? Rebuild)
{
    public static ProjectionView From(ProjectionStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        return new(status.Name, status.Version, status.Generation, status.LiveVersion, status.Rebuild is null ? "live" : "rebuilding", RebuildView.From(status.Rebuild));
    }
}

/// <summary>
/// The operator's view of the projections and the command that rebuilds one blue/green: a new
/// generation of its views is built from the start of the feed beside the live one and swapped in
/// when it has caught up. Operators only (403 operator-only); anonymous callers get 401.
/// </summary>
public static class ProjectionsApi
{
    public static readonly ApiProblem ProjectionNotFound = new("projection-not-found", 404, "No such projection");
    public static readonly ApiProblem RebuildRunning = new("rebuild-running", 409, "A rebuild of this projection is already running");

    public static RouteGroupBuilder MapProjections(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/api/admin/projections").WithTags("Admin").RequiresCaller();
        admin.MapGet("", (Delegate)ListAsync).WithName("ListProjections")
            .Produces<ProjectionView[]>().ProducesProblem(StatusCodes.Status403Forbidden);
        admin.MapGet("/{name}", (Delegate)GetAsync).WithName("GetProjection")
            .Produces<ProjectionView>().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
        admin.MapPost("/{name}/rebuild", (Delegate)RebuildAsync).WithName("RebuildProjection").AsCommand()
            .Produces<ProjectionView>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        return admin;
    }

    /// <summary>Every projection of this host, with its rebuild's progress.</summary>
    public static Task<IResult> ListAsync(HttpContext http) => ProblemBoundary.RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(http);
        RequireOperator(Caller.ActorOf(http));
        var views = new List<ProjectionView>();
        foreach (var rebuilder in http.RequestServices.GetServices<ProjectionRebuilder>())
        {
            views.Add(ProjectionView.From(await rebuilder.StatusAsync(http.RequestAborted)));
        }

        return (IResult)TypedResults.Ok(views);
    });

    public static Task<IResult> GetAsync(HttpContext http, string name) => ProblemBoundary.RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(http);
        RequireOperator(Caller.ActorOf(http));
        var status = await Find(http, name).StatusAsync(http.RequestAborted);
        return (IResult)TypedResults.Ok(ProjectionView.From(status));
    });

    /// <summary>
    /// Starts a rebuild: 202 with the projection's state and <c>Location</c> to follow its progress;
    /// 409 rebuild-running while one runs (asked for, or started by a new version). The rebuild itself
    /// runs in the host's background (the local server's hosted service, the Functions app's timer).
    /// </summary>
    public static Task<IResult> RebuildAsync(HttpContext http, string name) => ProblemBoundary.RunAsync(async () =>
    {
        ArgumentNullException.ThrowIfNull(http);
        var actor = Caller.ActorOf(http);
        await CommandRequest.ReadAsync(http, actor, bodyRequired: false);
        RequireOperator(actor);
        var rebuilder = Find(http, name);
        var (started, _) = await rebuilder.StartAsync(CancellationToken.None);
        if (!started)
        {
            throw new ProblemException(RebuildRunning, $"The projection '{rebuilder.Name}' is being rebuilt; see GET /api/admin/projections/{rebuilder.Name}.");
        }

        var status = await rebuilder.StatusAsync(CancellationToken.None);
        return (IResult)TypedResults.Accepted("/api/admin/projections/" + rebuilder.Name, ProjectionView.From(status));
    });

    private static ProjectionRebuilder Find(HttpContext http, string name) =>
        http.RequestServices.GetServices<ProjectionRebuilder>().FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.Ordinal))
            ?? throw new ProblemException(ProjectionNotFound, "No projection has that name; GET /api/admin/projections lists them.");

    private static void RequireOperator(Actor actor)
    {
        if (!actor.IsOperator)
        {
            throw new ProblemException(ApiProblem.From(DomainError.OperatorOnly), "Only an operator may see or rebuild projections.");
        }
    }
}
