using CartOrders.Api.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace CartOrders.Server.Realtime;

/// <summary>
/// Who has which cart open, from the hub's own connections: a connection counts for a cart from
/// its subscription until it leaves the cart's group (the page closed the cart, its user was
/// removed) or disconnects. When the set of users of a cart changes, <c>presence</c> goes to the
/// cart's group. Kept in memory, as the connections are (one server process per data folder).
/// </summary>
public sealed partial class CartPresence(IHubContext<CartHub> hub, ILogger<CartPresence> logger) : ICartPresence
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Dictionary<string, string>> _usersByConnectionByCart = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _cartsByConnection = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<string>> ViewersOfAsync(string cartId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<string>>(Users(cartId));
        }
    }

    /// <summary>The hub knows when a connection closes, so a refresh only confirms the connection is the user's and in the cart.</summary>
    public Task<bool> RefreshAsync(string cartId, string connectionId, string userId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(
                _usersByConnectionByCart.TryGetValue(cartId, out var connections)
                && connections.TryGetValue(connectionId, out var owner)
                && string.Equals(owner, userId, StringComparison.Ordinal));
        }
    }

    public Task JoinedAsync(string cartId, string connectionId, string userId) => ChangeAsync([cartId], () =>
    {
        if (!_usersByConnectionByCart.TryGetValue(cartId, out var connections))
        {
            _usersByConnectionByCart[cartId] = connections = new(StringComparer.Ordinal);
        }

        connections[connectionId] = userId;
        if (!_cartsByConnection.TryGetValue(connectionId, out var carts))
        {
            _cartsByConnection[connectionId] = carts = new(StringComparer.Ordinal);
        }

        carts.Add(cartId);
    });

    public Task LeftAsync(string cartId, string connectionId) => ChangeAsync([cartId], () => Remove(cartId, connectionId));

    public Task DisconnectedAsync(string connectionId)
    {
        string[] carts;
        lock (_gate)
        {
            carts = _cartsByConnection.TryGetValue(connectionId, out var joined) ? [.. joined] : [];
        }

        return ChangeAsync(carts, () =>
        {
            foreach (var cartId in carts)
            {
                Remove(cartId, connectionId);
            }
        });
    }

    public Task UserRemovedAsync(string cartId, string userId) => ChangeAsync([cartId], () =>
    {
        if (_usersByConnectionByCart.TryGetValue(cartId, out var connections))
        {
            foreach (var connectionId in connections.Where(c => c.Value == userId).Select(c => c.Key).ToList())
            {
                Remove(cartId, connectionId);
            }
        }
    });

    /// <summary>Applies a change under the lock, then pushes the new viewers of each cart whose set of users changed.</summary>
    private async Task ChangeAsync(IReadOnlyList<string> cartIds, Action change)
    {
        List<PresenceView> changed = [];
        lock (_gate)
        {
            var before = cartIds.ToDictionary(c => c, Users, StringComparer.Ordinal);
            change();
            changed.AddRange(cartIds.Select(c => new PresenceView(c, Users(c))).Where(p => !p.Users.SequenceEqual(before[p.CartId])));
        }

        foreach (var presence in changed)
        {
            try
            {
                await hub.Clients.Group(CartHub.GroupOf(presence.CartId)).SendAsync(RealtimeMessages.Presence, presence);
            }
#pragma warning disable CA1031 // presence is best effort: clients read it again on their next join
            catch (Exception error)
#pragma warning restore CA1031
            {
                LogPushFailed(logger, error, presence.CartId);
            }
        }
    }

    private void Remove(string cartId, string connectionId)
    {
        if (_usersByConnectionByCart.TryGetValue(cartId, out var connections) && connections.Remove(connectionId) && connections.Count == 0)
        {
            _usersByConnectionByCart.Remove(cartId);
        }

        if (_cartsByConnection.TryGetValue(connectionId, out var carts) && carts.Remove(cartId) && carts.Count == 0)
        {
            _cartsByConnection.Remove(connectionId);
        }
    }

    private List<string> Users(string cartId) =>
        _usersByConnectionByCart.TryGetValue(cartId, out var connections)
            ? [.. connections.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]
            : [];

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence push for cart {CartId} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception error, string cartId);
}
