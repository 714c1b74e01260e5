using CartOrders.Api.Realtime;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using Microsoft.Extensions.Logging;

namespace CartOrders.Functions.Realtime;

/// <summary>
/// Presence in serverless mode. Azure SignalR Service tells the app nothing when a connection
/// closes (without upstream events) and cannot list a group's connections, so each cart has a
/// presence record in the views store (kind <see cref="Kind"/>, listed for no one):
/// <c>{cartId, users, connections: {connectionId: {userId, seenAt}}}</c>. A subscription writes
/// its connection's entry, the page refreshes it every 30 s, and an entry not refreshed for
/// <see cref="Expiry"/> is dropped the next time the record is read. Every remaining user is
/// confirmed with the service's "user exists in group"; a user who left the group (the page left
/// the cart, the owner removed them) is dropped with all of their entries. When the confirmed set
/// of users differs from the one last announced, <c>presence</c> goes to the cart's group.
/// Writes are compare-and-set on the record's version (a view is only written over an older one),
/// so concurrent instances never lose an entry, and only the writer that changed the set announces it.
/// </summary>
public sealed partial class ServerlessPresence(IViewStore views, SignalRRestClient service, TimeProvider clock, ILogger<ServerlessPresence> logger) : ICartPresence
{
    public const string Kind = "presence";

    /// <summary>How long an entry counts without a refresh (three of the page's 30-second refreshes).</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(90);

    private const int MaxWriteAttempts = 10;

    public async Task<IReadOnlyList<string>> ViewersOfAsync(string cartId, CancellationToken cancellationToken = default) =>
        (await UpdateAsync(cartId, (_, _) => true, cancellationToken)).Users;

    /// <summary>Refreshes the entry of an open connection of the user; false when there is none (expired, left, or not the user's).</summary>
    public async Task<bool> RefreshAsync(string cartId, string connectionId, string userId, CancellationToken cancellationToken = default)
    {
        if (!await service.ConnectionExistsAsync(connectionId, cancellationToken))
        {
            return false;
        }

        var (_, refreshed) = await UpdateAsync(
            cartId,
            (connections, now) =>
            {
                if (!connections.TryGetValue(connectionId, out var entry) || !string.Equals(entry.UserId, userId, StringComparison.Ordinal))
                {
                    return false;
                }

                connections[connectionId] = entry with { SeenAt = now };
                return true;
            },
            cancellationToken);
        return refreshed;
    }

    /// <summary>The connection subscribed to the cart (its user was just added to the cart's group).</summary>
    public Task JoinedAsync(string cartId, string connectionId, string userId, CancellationToken cancellationToken = default) =>
        UpdateAsync(
            cartId,
            (connections, now) =>
            {
                connections[connectionId] = new PresenceEntry(userId, now);
                return true;
            },
            cancellationToken);

    /// <summary>The user left the cart's group (every connection of theirs: the service's groups hold users).</summary>
    public Task UserLeftAsync(string cartId, string userId, CancellationToken cancellationToken = default) =>
        UpdateAsync(
            cartId,
            (connections, _) =>
            {
                foreach (var connectionId in connections.Where(c => c.Value.UserId == userId).Select(c => c.Key).ToList())
                {
                    connections.Remove(connectionId);
                }

                return true;
            },
            cancellationToken);

    /// <summary>
    /// Reads the record, applies <paramref name="change"/> (which says whether it applied), drops
    /// expired and unconfirmed entries, and writes the record if anything changed; again from the
    /// read when another writer got there first. Returns the confirmed users and what the change said.
    /// </summary>
    private async Task<(IReadOnlyList<string> Users, bool Applied)> UpdateAsync(
        string cartId,
        Func<Dictionary<string, PresenceEntry>, DateTimeOffset, bool> change,
        CancellationToken cancellationToken)
    {
        var group = RealtimeMessages.GroupOf(cartId);
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var stored = await views.GetAsync(Kind, cartId, cancellationToken);
            var record = stored is null ? new PresenceRecord(cartId, [], new Dictionary<string, PresenceEntry>(StringComparer.Ordinal)) : Json.Deserialize<PresenceRecord>(stored.Json);
            var now = clock.GetUtcNow();
            var connections = new Dictionary<string, PresenceEntry>(record.Connections, StringComparer.Ordinal);
            var applied = change(connections, now);
            foreach (var expired in connections.Where(c => now - c.Value.SeenAt > Expiry).Select(c => c.Key).ToList())
            {
                connections.Remove(expired);
            }

            List<string> users = [];
            foreach (var userId in connections.Values.Select(e => e.UserId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList())
            {
                if (await service.UserInGroupAsync(userId, group, cancellationToken))
                {
                    users.Add(userId);
                }
                else
                {
                    foreach (var gone in connections.Where(c => c.Value.UserId == userId).Select(c => c.Key).ToList())
                    {
                        connections.Remove(gone);
                    }
                }
            }

            var next = new PresenceRecord(cartId, users, connections);
            if (next.SameAs(record))
            {
                return (users, applied);
            }

            var document = new ViewDocument(Kind, cartId, (stored?.Version ?? 0) + 1, [], Json.Serialize(next), now);
            if (!await views.UpsertAsync(document, cancellationToken))
            {
                continue;
            }

            if (!users.SequenceEqual(record.Users, StringComparer.Ordinal))
            {
                await AnnounceAsync(new PresenceView(cartId, users), cancellationToken);
            }

            return (users, applied);
        }

        throw new InvalidOperationException($"The presence of cart '{cartId}' changed under {MaxWriteAttempts} write attempts in a row.");
    }

    // Best effort, as every push: a page reads the presence again whenever it joins the cart.
    private async Task AnnounceAsync(PresenceView presence, CancellationToken cancellationToken)
    {
        try
        {
            await service.SendToGroupAsync(RealtimeMessages.GroupOf(presence.CartId), RealtimeMessages.Presence, presence, cancellationToken);
        }
        catch (HttpRequestException error)
        {
            LogPushFailed(logger, error, presence.CartId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Presence push for cart {CartId} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception error, string cartId);
}

/// <summary>One connection that has the cart open: whose it is and when it last said so.</summary>
public sealed record PresenceEntry(string UserId, DateTimeOffset SeenAt);

/// <summary>The stored presence of one cart: the users last announced, and the connections with their entries.</summary>
public sealed record PresenceRecord(string CartId, IReadOnlyList<string> Users, IReadOnlyDictionary<string, PresenceEntry> Connections)
{
    public bool SameAs(PresenceRecord other) =>
        Users.SequenceEqual(other.Users, StringComparer.Ordinal)
        && Connections.Count == other.Connections.Count
        && Connections.All(c => other.Connections.TryGetValue(c.Key, out var entry) && entry == c.Value);
}
