using System.Collections.Concurrent;

namespace CartOrders.Server.Realtime;

/// <summary>
/// The hub connections open on this server and whose they are, kept from connect to disconnect.
/// It answers "is this connection the caller's?" and "which connections does this user have?".
/// </summary>
public sealed class ConnectionRegistry
{
    private readonly ConcurrentDictionary<string, string> _userByConnection = new(StringComparer.Ordinal);

    public void Add(string connectionId, string userId) => _userByConnection[connectionId] = userId;

    public void Remove(string connectionId) => _userByConnection.TryRemove(connectionId, out _);

    public string? UserOf(string connectionId) => _userByConnection.GetValueOrDefault(connectionId);

    public IReadOnlyList<string> ConnectionsOf(string userId) =>
        [.. _userByConnection.Where(c => string.Equals(c.Value, userId, StringComparison.Ordinal)).Select(c => c.Key)];
}
