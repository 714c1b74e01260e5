using CartOrders.Api.Problems;
using CartOrders.Application;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Application.Rebuilds;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Api.Health;

/// <summary>The health answer: which store, how many events the views trail by, whether integration events are published, and the rebuilds under way.</summary>
public sealed record HealthReport(string Status, string Store, long ProjectionLag, string Publishing, IReadOnlyList<RebuildHealth> Rebuilds);

/// <summary>A rebuild under way: which projection, and its progress.</summary>
public sealed record RebuildHealth(string Projection, int Generation, long Position, long Remaining, double EventsPerSecond, double? SecondsLeft);

/// <summary>What the host tells the health endpoint about itself.</summary>
public sealed class HealthOptions
{
    /// <summary>The store's name as reported, e.g. "sqlite" or "cosmos".</summary>
    public string Store { get; set; } = "unknown";

    /// <summary>Whether integration events go to a broker; unset means they do not.</summary>
    public Func<IServiceProvider, bool>? PublishingEnabled { get; set; }

    /// <summary>How long the store may take to answer the probe before it counts as unreachable.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

public static partial class HealthApi
{
    public static RouteHandlerBuilder MapHealth(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/health", (Delegate)GetAsync).WithName("GetHealth").WithTags("Health").AllowAnonymous()
            .Produces<HealthReport>().ProducesProblem(StatusCodes.Status503ServiceUnavailable);

    /// <summary>
    /// Probes the store (a point read and the feed's head, within the probe timeout): 200 with the
    /// projector's lag in events, or 503 store-unreachable. Anonymous, so it says nothing about data.
    /// </summary>
    public static async Task<IResult> GetAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptions<HealthOptions>>().Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        timeout.CancelAfter(options.ProbeTimeout);
        (long Lag, IReadOnlyList<RebuildHealth> Rebuilds) probe;
        try
        {
            probe = await ProbeAsync(services, timeout.Token).WaitAsync(timeout.Token);
        }
        catch (Exception error) when (!http.RequestAborted.IsCancellationRequested)
        {
            LogProbeFailed(services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HealthApi)), error, options.Store);
            return new ProblemResult(ApiProblem.StoreUnreachable, $"The {options.Store} store did not answer within {options.ProbeTimeout.TotalSeconds:0.#} s.");
        }

        var publishing = options.PublishingEnabled?.Invoke(services) == true ? "on" : "off";
        return TypedResults.Ok(new HealthReport("healthy", options.Store, probe.Lag, publishing, probe.Rebuilds));
    }

    private static async Task<(long, IReadOnlyList<RebuildHealth>)> ProbeAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<IEventStore>().ReadSnapshotAsync("health-probe", cancellationToken);
        var lag = await ApplicationServices.CreatePump<Projector>(services).LagAsync(cancellationToken);
        var rebuilds = new List<RebuildHealth>();
        foreach (var rebuilder in services.GetServices<ProjectionRebuilder>())
        {
            if ((await rebuilder.StatusAsync(cancellationToken)).Rebuild is { } p)
            {
                rebuilds.Add(new RebuildHealth(rebuilder.Name, p.Generation, p.Position, p.Remaining, p.EventsPerSecond, p.SecondsLeft));
            }
        }

        return (lag, rebuilds);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Health probe of the {Store} store failed")]
    private static partial void LogProbeFailed(ILogger logger, Exception error, string store);
}
