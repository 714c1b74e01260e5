using CartOrders.Application.Abandonment;
using Microsoft.Azure.Functions.Worker;

namespace CartOrders.Functions.Feed;

/// <summary>
/// Abandons the carts left idle (<see cref="CartAbandonment"/>), hourly. The timer trigger runs one
/// execution at a time across all instances; a sweep that finds nothing costs one query.
/// </summary>
public sealed class AbandonmentFunction(CartAbandonment abandonment)
{
    public const string Name = "AbandonIdleCarts";

    /// <summary>At minute 17 of every hour (six fields: seconds first).</summary>
    public const string Schedule = "0 17 * * * *";

    [Function(Name)]
    public Task RunAsync([TimerTrigger(Schedule, RunOnStartup = false, UseMonitor = false)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return abandonment.SweepAsync(cancellationToken);
    }
}
