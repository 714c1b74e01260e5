using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CartOrders.Application.Feed;

/// <summary>
/// Runs a feed pump for the life of the host: full batches back to back while the subscription is
/// behind, otherwise a wait for the store's append signal (or the poll interval). Failures back off and retry the
/// same batch, so nothing is skipped.
/// </summary>
public sealed partial class FeedPumpService(FeedPump pump, ILogger<FeedPumpService> logger) : BackgroundService
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromSeconds(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundTurns.RunAsync(
            // Only a full batch says more may be waiting; after a smaller one the pump is caught up
            // as of its read, and the wait (which looks at the feed before it sleeps) is the next step.
            async token => await pump.RunOnceAsync(cancellationToken: token) >= FeedPump.DefaultBatchSize,
            token => pump.WaitForEventsAsync(s_pollInterval, token),
            (error, failures, delay) => LogFailure(logger, error, pump.Subscription, failures, delay),
            stoppingToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {Subscription} failed ({Failures} in a row); retrying in {Delay}")]
    private static partial void LogFailure(ILogger logger, Exception error, string subscription, int failures, TimeSpan delay);
}
