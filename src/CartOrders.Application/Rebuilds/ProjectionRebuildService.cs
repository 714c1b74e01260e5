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
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await rebuilder.RunAsync(s_turnBudget, stoppingToken) == 0)
                {
                    await rebuilder.WaitAsync(s_idleWait, stoppingToken);
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // the rebuilder must outlive any failure; it logs and retries
            catch (Exception error)
#pragma warning restore CA1031
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(s_maxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
                LogFailure(logger, error, rebuilder.Name, failures, delay);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Rebuild of projection {Projection} failed ({Failures} in a row); retrying in {Delay}")]
    private static partial void LogFailure(ILogger logger, Exception error, string projection, int failures, TimeSpan delay);
}
