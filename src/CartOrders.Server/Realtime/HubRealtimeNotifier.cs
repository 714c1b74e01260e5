using CartOrders.Api.Realtime;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using Microsoft.AspNetCore.SignalR;

namespace CartOrders.Server.Realtime;

/// <summary>Pushes the projector's view changes through the hub (or Azure SignalR Service behind it).</summary>
public sealed class HubRealtimeNotifier(IHubContext<CartHub> hub, ConnectionRegistry connections) : IRealtimeNotifier
{
    public Task CartUpdatedAsync(CartView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        return hub.Clients.Group(CartHub.GroupOf(view.CartId)).SendAsync(CartHub.CartUpdated, view, cancellationToken);
    }

    public Task OrderUpdatedAsync(OrderView view, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(view);
        return hub.Clients.User(view.CustomerId).SendAsync(CartHub.OrderUpdated, view, cancellationToken);
    }

    public async Task RemoveUserFromCartAsync(string cartId, string userId, CancellationToken cancellationToken = default)
    {
        foreach (var connectionId in connections.ConnectionsOf(userId))
        {
            await hub.Groups.RemoveFromGroupAsync(connectionId, CartHub.GroupOf(cartId), cancellationToken);
        }
    }
}

/// <summary>Cart subscriptions on the hub: only a connection the registry knows as the caller's may join.</summary>
public sealed class HubCartSubscriptions(IHubContext<CartHub> hub, ConnectionRegistry connections) : IRealtimeSubscriptions
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
        return true;
    }

    public Task LeaveCartAsync(string connectionId, string cartId, CancellationToken cancellationToken = default) =>
        hub.Groups.RemoveFromGroupAsync(connectionId, CartHub.GroupOf(cartId), cancellationToken);
}
