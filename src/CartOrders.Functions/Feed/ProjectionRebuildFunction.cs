using CartOrders.Application.Rebuilds;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace CartOrders.Functions.Feed;

/// <summary>
/// The views' blue/green rebuilds, on a timer: each tick records or checks the projection's version
/// (a new one starts a rebuild by itself), builds the rebuild's generation for up to the feed's tick
/// budget, swaps it in once caught up and drops the retired one after its grace. The checkpoint and
/// progress are stored, so a rebuild spreads over as many ticks (and instances) as it takes.
/// Rebuilds are asked for through the local server's <c>POST /api/admin/projections/{name}/rebuild</c>
/// on the same store: the Functions host reserves routes that start with <c>admin</c>.
/// </summary>
public sealed class ProjectionRebuildFunction(ProjectionRebuilder rebuilder, IOptions<FeedOptions> options)
{
    public const string Name = "RebuildProjections";

    /// <summary>Every 5 seconds (six fields: seconds first), so a deployment with a new version starts its rebuild within seconds; a tick with nothing to do costs one point read.</summary>
    public const string Schedule = "*/5 * * * * *";

    [Function(Name)]
    public Task RunAsync([TimerTrigger(Schedule, RunOnStartup = false, UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return rebuilder.RunAsync(options.Value.TickBudget, cancellationToken);
    }
}
