using CartOrders.Api.Realtime;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using Microsoft.Extensions.Logging;

namespace CartOrders.Functions.Realtime;

/// <summary>
/// The push ahead of the feed: an acknowledged cart command sends the cart's new version to its
/// group through the same REST notifier the feed's projector uses, before the function answers, so
/// members see the change without waiting for the feed's timer. It is bounded by
/// <see cref="Budget"/> (retries included) and never fails the command: a push that fails or runs
/// out of time is logged, and the feed's push of the same version repairs it.
/// </summary>
public sealed partial class SignalRAcknowledgedCartPush(IRealtimeNotifier notifier, ILogger<SignalRAcknowledgedCartPush> logger) : IAcknowledgedCartPush
{
    /// <summary>The most an acknowledged command waits for its push before it answers.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    public async Task PushAsync(CartUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var view = update.View;
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        try
        {
            await notifier.CartUpdatedAsync(update, budget.Token);
        }
        catch (OperationCanceledException error) when (budget.IsCancellationRequested)
        {
            LogLost(logger, error, view.CartId, view.Version);
        }
        catch (HttpRequestException error)
        {
            LogLost(logger, error, view.CartId, view.Version);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The push of cart {CartId} version {Version} ahead of the feed was lost; the feed's push will carry it")]
    private static partial void LogLost(ILogger logger, Exception error, string cartId, long version);
}
