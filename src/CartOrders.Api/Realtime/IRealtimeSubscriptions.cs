namespace CartOrders.Api.Realtime;

/// <summary>
/// The host's real-time connections, as the subscriptions endpoint needs them. The local server
/// implements it on its SignalR hub; a serverless host on the SignalR service's API.
/// </summary>
public interface IRealtimeSubscriptions
{
    /// <summary>Adds the connection to the cart's group if it is one of the user's own connections; false when it is not.</summary>
    Task<bool> JoinCartAsync(string connectionId, string userId, string cartId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Undoes a join (the caller lost access meanwhile): the connection, or whatever the join added
    /// for the user (a serverless host adds the user, so that only the user's own connections join).
    /// </summary>
    Task LeaveCartAsync(string connectionId, string userId, string cartId, CancellationToken cancellationToken = default);
}
