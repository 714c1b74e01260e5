using System.Collections.Concurrent;

namespace CartOrders.Server.Realtime;

/// <summary>
/// The hub connections open on this server and whose they are, kept from the hub's connect to its
/// disconnect. It answers "is this connection the caller's?" and "which connections does this
/// user have?". SignalR completes the client's handshake before the hub's OnConnectedAsync runs,
/// so a client may ask to subscribe a connection a moment before it is registered here: a lookup
/// can wait briefly for that.
/// </summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, string> _userByConnection = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _waiting = new(StringComparer.Ordinal);

    public void Add(string connectionId, string userId)
    {
        _userByConnection[connectionId] = userId;
        if (_waiting.TryRemove(connectionId, out var waiter))
        {
            waiter.TrySetResult(userId);
        }
    }

    public void Remove(string connectionId) => _userByConnection.TryRemove(connectionId, out _);

    public string? UserOf(string connectionId) => _userByConnection.GetValueOrDefault(connectionId);

    /// <summary>The connection's user, waiting up to the timeout for a connection that is still being set up; null if none shows up.</summary>
    public async Task<string?> WaitForUserAsync(string connectionId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (UserOf(connectionId) is { } known)
        {
            return known;
        }

        var waiter = _waiting.GetOrAdd(connectionId, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));

        // Registered between the first look and the waiter: Add found no waiter to complete.
        if (UserOf(connectionId) is { } registered)
        {
            _waiting.TryRemove(KeyValuePair.Create(connectionId, waiter));
            return registered;
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            _waiting.TryRemove(KeyValuePair.Create(connectionId, waiter));
            return null;
        }
    }

    public IReadOnlyList<string> ConnectionsOf(string userId) =>
        [.. _userByConnection.Where(c => string.Equals(c.Value, userId, StringComparison.Ordinal)).Select(c => c.Key)];
}
