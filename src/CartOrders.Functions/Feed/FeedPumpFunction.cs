using CartOrders.Application.Rebuilds;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Functions.Feed;

/// <summary>
/// The change feed, pulled on a timer: every tick drains each subscription from its checkpoint,
/// then moves the views' blue/green rebuild on (a new projection version starts one by itself; a
/// tick with no rebuild costs one point read). One timer, not two: each execution is billed as at
/// least a second of the instance's memory, and this one runs on the always-ready instance
/// infra/app/api.bicep keeps for its name (<c>function:FeedPump</c>). The timer trigger runs one
/// execution at a time across all instances (the host holds a lock in its storage), and never
/// starts a tick while the previous one still runs. A rebuild asked for through
/// <c>POST /api/admin/projections/{name}/rebuild</c> (<see cref="Http.AdminFunctions"/>, or the local
/// server on the same store) is built here.
/// </summary>
public sealed partial class FeedPumpFunction(
    FeedSubscriptions subscriptions,
    ProjectionRebuilder rebuilder,
    IOptions<FeedOptions> options,
    ILogger<FeedPumpFunction> logger)
{
    public const string Name = "FeedPump";

    /// <summary>
    /// Every 5 seconds (six fields: seconds first): the projection lag of lists, order placement and
    /// publishing when the app is idle. Carts do not wait for it: an acknowledged cart command pushes
    /// its new version itself. Each tick is billed as at least one second of the instance's memory,
    /// so the period sets the always-ready instance's cost (docs/deploy.md, "What it costs").
    /// </summary>
    public const string Schedule = "*/5 * * * * *";

    [Function(Name)]
    public async Task RunAsync([TimerTrigger(Schedule, RunOnStartup = false, UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            LogPastDue(logger);
        }

        foreach (var tick in await subscriptions.DrainAsync(cancellationToken))
        {
            if (tick.Events > 0)
            {
                LogDrained(logger, tick.Subscription, tick.Events);
            }
        }

        await rebuilder.RunAsync(options.Value.TickBudget, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed tick is past due (the app was busy or asleep)")]
    private static partial void LogPastDue(ILogger logger);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Feed {Subscription} handled {Count} events this tick")]
    private static partial void LogDrained(ILogger logger, string subscription, int count);
}
