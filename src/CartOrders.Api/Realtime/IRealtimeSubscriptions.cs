namespace CartOrders.Api.Realtime;

/// <summary>
/// The host's real-time connections, as the subscriptions endpoint needs them. The local server
/// implements it on its SignalR hub; a serverless host on the SignalR service's API.
/// </summary>
public interface IRealtimeSubscriptions
{
    /// <summary>Adds the connection to the cart's group if it is one of the user's own connections; false when it is not.</summary>
    Task<bool> JoinCartAsync(string connectionId, string userId, string cartId, CancellationToken cancellationToken = default);

    /// <summary>Takes the connection out of the cart's group again (the caller lost access meanwhile).</summary>
    Task LeaveCartAsync(string connectionId, string cartId, CancellationToken cancellationToken = default);
}
