using CartOrders.Api.Realtime;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;

namespace CartOrders.Functions.Realtime;

/// <summary>
/// The projector's pushes through the service's REST API: <c>cartUpdated</c> to the cart's group,
/// <c>orderUpdated</c> and <c>cartsChanged</c> to one user, and a removed collaborator taken out of the cart's group.
/// The same port the local server implements on its hub.
/// </summary>
public sealed class SignalRRestNotifier(SignalRRestClient service, ServerlessPresence presence) : IRealtimeNotifier
{
    public Task CartUpdatedAsync(CartUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return service.SendToGroupAsync(RealtimeMessages.GroupOf(update.View.CartId), RealtimeMessages.CartUpdated, update, cancellationToken);
    }

    public Task OrderUpdatedAsync(OrderView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        return service.SendToUserAsync(view.CustomerId, RealtimeMessages.OrderUpdated, view, cancellationToken);
    }

    public Task CartsChangedAsync(string userId, CartsChange change, CancellationToken cancellationToken = default) =>
        service.SendToUserAsync(userId, RealtimeMessages.CartsChanged, change, cancellationToken);

    /// <summary>Takes the removed collaborator out of the cart's group, then out of its presence.</summary>
    public async Task RemoveUserFromCartAsync(string cartId, string userId, CancellationToken cancellationToken = default)
    {
        await service.RemoveUserFromGroupAsync(userId, RealtimeMessages.GroupOf(cartId), cancellationToken);
        await presence.UserLeftAsync(cartId, userId, cancellationToken);
    }
}
