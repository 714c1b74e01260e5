using CartOrders.Api.Realtime;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using Microsoft.AspNetCore.SignalR;

namespace CartOrders.Server.Realtime;

/// <summary>Pushes the projector's view changes through the hub (or Azure SignalR Service behind it).</summary>
public sealed class HubRealtimeNotifier(IHubContext<CartHub> hub, ConnectionRegistry connections, CartPresence presence) : IRealtimeNotifier
{
    public Task CartUpdatedAsync(CartUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        return hub.Clients.Group(CartHub.GroupOf(update.View.CartId)).SendAsync(CartHub.CartUpdated, update, cancellationToken);
    }

    public Task OrderUpdatedAsync(OrderView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        return hub.Clients.User(view.CustomerId).SendAsync(CartHub.OrderUpdated, view, cancellationToken);
    }

    public Task CartsChangedAsync(string userId, CartsChange change, CancellationToken cancellationToken = default) =>
        hub.Clients.User(userId).SendAsync(RealtimeMessages.CartsChanged, change, cancellationToken);

    public async Task RemoveUserFromCartAsync(string cartId, string userId, CancellationToken cancellationToken = default)
    {
        foreach (var connectionId in connections.ConnectionsOf(userId))
        {
            await hub.Groups.RemoveFromGroupAsync(connectionId, CartHub.GroupOf(cartId), cancellationToken);
        }

        await presence.UserRemovedAsync(cartId, userId);
    }
}

/// <summary>Cart subscriptions on the hub: only a connection the registry knows as the caller's may join.</summary>
public sealed class HubCartSubscriptions(IHubContext<CartHub> hub, ConnectionRegistry connections, CartPresence presence) : IRealtimeSubscriptions
{
    /// <summary>How long a subscription waits for a just-opened connection to finish registering.</summary>
    public static readonly TimeSpan RegistrationWait = TimeSpan.FromSeconds(2);

    public async Task<bool> JoinCartAsync(string connectionId, string userId, string cartId, CancellationToken cancellationToken = default)
    {
        var owner = await connections.WaitForUserAsync(connectionId, RegistrationWait, cancellationToken);
        if (!string.Equals(owner, userId, StringComparison.Ordinal))
        {
            return false;
        }

        await hub.Groups.AddToGroupAsync(connectionId, CartHub.GroupOf(cartId), cancellationToken);
        await presence.JoinedAsync(cartId, connectionId, userId);
        return true;
    }

    /// <summary>Only the user's own connection leaves; any other id changes nothing.</summary>
    public async Task LeaveCartAsync(string connectionId, string userId, string cartId, CancellationToken cancellationToken = default)
    {
        if (!string.Equals(connections.UserOf(connectionId), userId, StringComparison.Ordinal))
        {
            return;
        }

        await hub.Groups.RemoveFromGroupAsync(connectionId, CartHub.GroupOf(cartId), cancellationToken);
        await presence.LeftAsync(cartId, connectionId);
    }
}
