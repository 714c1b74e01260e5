using CartOrders.Application.Feed;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CartOrders.Application.Rebuilds;

/// <summary>
/// Runs the rebuilder for the life of the host: turns back to back while a rebuild has work, then
/// waits to be woken (a rebuild asked for) or a second. The first turn, at start-up, is the one that
/// starts a rebuild when this build's projection version is new. Failures back off and retry; a
/// rebuild's checkpoint and progress are stored, so nothing is lost or done twice.
/// </summary>
public sealed partial class ProjectionRebuildService(ProjectionRebuilder rebuilder, ILogger<ProjectionRebuildService> logger) : BackgroundService
{
    private static readonly TimeSpan s_turnBudget = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_idleWait = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundTurns.RunAsync(
            async token => await rebuilder.RunAsync(s_turnBudget, token) > 0,
            token => rebuilder.WaitAsync(s_idleWait, token),
            (error, failures, delay) => LogFailure(logger, error, rebuilder.Name, failures, delay),
            stoppingToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "Rebuild of projection {Projection} failed ({Failures} in a row); retrying in {Delay}")]
    private static partial void LogFailure(ILogger logger, Exception error, string projection, int failures, TimeSpan delay);
}
