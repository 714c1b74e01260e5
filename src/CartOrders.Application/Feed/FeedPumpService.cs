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

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        BackgroundTurns.RunAsync(
            async token => await pump.RunOnceAsync(cancellationToken: token) > 0,
            token => pump.WaitForEventsAsync(s_pollInterval, token),
            (error, failures, delay) => LogFailure(logger, error, pump.Subscription, failures, delay),
            stoppingToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {Subscription} failed ({Failures} in a row); retrying in {Delay}")]
    private static partial void LogFailure(ILogger logger, Exception error, string subscription, int failures, TimeSpan delay);
}
