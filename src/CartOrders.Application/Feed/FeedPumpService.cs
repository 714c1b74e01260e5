using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CartOrders.Application.Feed;

/// <summary>
/// Runs a feed pump for the life of the host: batches back to back while there is work, then
/// waits for the store's append signal (or the poll interval). Failures back off and retry the
/// same batch, so nothing is skipped.
/// </summary>
public sealed partial class FeedPumpService(FeedPump pump, ILogger<FeedPumpService> logger) : BackgroundService
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await pump.RunOnceAsync(cancellationToken: stoppingToken) == 0)
                {
                    await pump.WaitForEventsAsync(s_pollInterval, stoppingToken);
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // a pump must outlive any handler failure; it logs and retries
            catch (Exception error)
#pragma warning restore CA1031
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(s_maxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
                LogFailure(logger, error, pump.Subscription, failures, delay);
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

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {Subscription} failed ({Failures} in a row); retrying in {Delay}")]
    private static partial void LogFailure(ILogger logger, Exception error, string subscription, int failures, TimeSpan delay);
}
