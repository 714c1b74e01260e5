using CartOrders.Api.Http;
using CartOrders.Api.Realtime;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace CartOrders.Server.Realtime;

/// <summary>
/// The real-time hub at <c>/api</c>. Clients only listen (<c>cartUpdated</c>, <c>orderUpdated</c>);
/// they join a cart's group through <c>POST /api/carts/{cartId}/subscriptions</c>, which checks membership.
/// </summary>
[Authorize]
public sealed class CartHub(ConnectionRegistry connections, CartPresence presence) : Hub
{
    public const string CartUpdated = RealtimeMessages.CartUpdated;
    public const string OrderUpdated = RealtimeMessages.OrderUpdated;

    public static string GroupOf(string cartId) => RealtimeMessages.GroupOf(cartId);

    public override async Task OnConnectedAsync()
    {
        if (Context.UserIdentifier is not { } userId)
        {
            Context.Abort();
            return;
        }

        connections.Add(Context.ConnectionId, userId);
        await base.OnConnectedAsync();
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        await presence.DisconnectedAsync(Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }
}

/// <summary>SignalR's user id is the token's <c>sub</c>, as everywhere else.</summary>
public sealed class SubjectUserIdProvider : IUserIdProvider
{
    public string? GetUserId(HubConnectionContext connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return connection.User.FindFirst(Caller.SubjectClaim)?.Value;
    }
}
