using CartOrders.Application.Projections;

namespace CartOrders.Api.Realtime;

/// <summary>
/// Pushes a cart's new version to the cart's group right after the command that made it was
/// acknowledged (appended), ahead of the feed. Optional: a host registers it where the feed's own
/// push comes late (the function app drains the feed on a timer). The feed's push stays the
/// guarantee: a fast push that is lost is repaired by it, and clients keep only the highest version
/// of each cart, so the second push of a version changes nothing. It never fails the command.
/// </summary>
public interface IAcknowledgedCartPush
{
    /// <summary>Sends <c>cartUpdated</c>: the command's view, its caller as <c>changedBy</c> and its last event as <c>change</c>.</summary>
    Task PushAsync(CartUpdate update, CancellationToken cancellationToken = default);
}
