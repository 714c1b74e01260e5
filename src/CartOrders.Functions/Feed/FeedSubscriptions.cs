using CartOrders.Application;
using CartOrders.Application.Feed;
using CartOrders.Application.Integration;
using CartOrders.Application.Projections;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Functions.Feed;

/// <summary>Configuration section <c>Feed</c>.</summary>
public sealed class FeedOptions
{
    public const string Section = "Feed";

    /// <summary>
    /// How long one tick keeps draining a subscription that has work (a batch under way is always
    /// finished). A tick that runs longer only delays the next one: the timer never overlaps itself.
    /// </summary>
    public TimeSpan TickBudget { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>What one tick did for one subscription.</summary>
public sealed record FeedTick(string Subscription, int Events, bool Skipped, Exception? Error);

/// <summary>
/// The feed subscriptions of the function app, each pumped with explicit checkpoints
/// (<see cref="FeedPump"/>: read after the checkpoint, handle, only then save it): the projector
/// (views, and the real-time pushes it makes after each view write), order placement and the
/// integration publisher. A tick drains them side by side within the budget. Each has a gate, so a
/// subscription never runs twice at once in this instance even if ticks were to overlap; across
/// instances the timer trigger itself is a singleton (a lock in the host's storage).
/// </summary>
public sealed partial class FeedSubscriptions(IServiceProvider services, IOptions<FeedOptions> options, ILogger<FeedSubscriptions> logger)
{
    private readonly IReadOnlyList<Subscription> _subscriptions =
    [
        new(ApplicationServices.CreatePump<Projector>(services)),
        new(ApplicationServices.CreatePump<OrderPlacement>(services)),
        new(ApplicationServices.CreatePump<IntegrationPublisherHandler>(services)),
    ];

    public IReadOnlyList<string> Names => [.. _subscriptions.Select(s => s.Pump.Subscription)];

    /// <summary>Drains every subscription; throws when any failed, after the others have saved their progress.</summary>
    public async Task<IReadOnlyList<FeedTick>> DrainAsync(CancellationToken cancellationToken = default)
    {
        var ticks = await Task.WhenAll(_subscriptions.Select(s => DrainAsync(s, cancellationToken)));
        var errors = ticks.Where(t => t.Error is not null).Select(t => t.Error!).ToList();
        if (errors.Count > 0)
        {
            throw new AggregateException("Feed subscriptions failed this tick; their checkpoints stay where they were: "
                + string.Join(", ", ticks.Where(t => t.Error is not null).Select(t => t.Subscription)), errors);
        }

        return ticks;
    }

    private async Task<FeedTick> DrainAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var name = subscription.Pump.Subscription;
        if (!await subscription.Gate.WaitAsync(TimeSpan.Zero, cancellationToken))
        {
            LogBusy(logger, name);
            return new FeedTick(name, 0, Skipped: true, Error: null);
        }

        try
        {
            var handled = await subscription.Pump.DrainAsync(options.Value.TickBudget, cancellationToken);
            return new FeedTick(name, handled, Skipped: false, Error: null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // one subscription's failure must not stop the others; it is reported with the tick
        catch (Exception error)
#pragma warning restore CA1031
        {
            LogFailed(logger, error, name);
            return new FeedTick(name, 0, Skipped: false, error);
        }
        finally
        {
            subscription.Gate.Release();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed {Subscription} is still draining from an earlier tick; skipped")]
    private static partial void LogBusy(ILogger logger, string subscription);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {Subscription} failed; its batch comes again next tick")]
    private static partial void LogFailed(ILogger logger, Exception error, string subscription);

    private sealed class Subscription(FeedPump pump)
    {
        public FeedPump Pump { get; } = pump;

        public SemaphoreSlim Gate { get; } = new(1, 1);
    }
}
