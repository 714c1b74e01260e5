using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CartOrders.Application.Feed;

/// <summary>
/// Runs a feed pump for the life of the host: full batches back to back while the subscription is
/// behind, otherwise a wait for the store's append signal (or the poll interval), no sooner than
/// <see cref="FeedPumpOptions.BatchInterval"/> after the last batch began. Failures back off and
/// retry the same batch, so nothing is skipped.
/// </summary>
public sealed partial class FeedPumpService(FeedPump pump, ILogger<FeedPumpService> logger, TimeSpan batchInterval = default) : BackgroundService
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(1);

    public string Subscription => pump.Subscription;

    /// <summary>The least time between the starts of two batches while events keep coming; zero for a live subscription.</summary>
    public TimeSpan BatchInterval => batchInterval;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundTurns.RunAsync(
            async token =>
            {
                var started = Stopwatch.GetTimestamp();
                var handled = await pump.RunOnceAsync(cancellationToken: token);

                // Only a full batch says more may be waiting; after a smaller one the pump is caught up
                // as of its read, and the wait (which looks at the feed before it sleeps) is the next step.
                if (handled >= FeedPump.DefaultBatchSize)
                {
                    return true;
                }

                if (handled > 0 && batchInterval - Stopwatch.GetElapsedTime(started) is { Ticks: > 0 } rest)
                {
                    await Task.Delay(rest, token);
                }

                return false;
            },
            token => pump.WaitForEventsAsync(s_pollInterval, token),
            (error, failures, delay) => LogFailure(logger, error, pump.Subscription, failures, delay),
            stoppingToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {Subscription} failed ({Failures} in a row); retrying in {Delay}")]
    private static partial void LogFailure(ILogger logger, Exception error, string subscription, int failures, TimeSpan delay);
}
