using CartOrders.Application.Commands;
using CartOrders.Application.Feed;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain.Carts;
using Microsoft.Extensions.Logging;

namespace CartOrders.Application.Projections;

/// <summary>
/// Keeps the views: for each stream in a batch, folds the stream's current state (snapshot +
/// tail) with the same projection as command replies and writes it if newer. Only after a view
/// write does it push the change, so a push is never ahead of the view and versions only go up.
/// Idempotent: replaying a batch writes nothing new and pushes nothing.
/// The streams of a batch are independent, so they are projected concurrently (bounded), each
/// stream's own work in order: a large batch (a catch-up, a rebuild) then shares group commits
/// for its view writes instead of waiting for one commit per stream.
/// </summary>
public sealed partial class Projector(StreamLoader loader, IViewStore views, IRealtimeNotifier notifier, ILogger<Projector> logger) : IFeedHandler
{
    public const string CartKind = "cart";
    public const string OrderKind = "order";

    private const int MaxConcurrentStreams = 32;

    public string Subscription => "projector";

    public async Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var streams = events.GroupBy(e => e.StreamId).ToList();
        if (streams.Count == 1)
        {
            await ProjectStreamAsync(streams[0], cancellationToken);
            return;
        }

        await Parallel.ForEachAsync(
            streams,
            new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentStreams, CancellationToken = cancellationToken },
            (stream, token) => new ValueTask(ProjectStreamAsync(stream, token)));
    }

    private Task ProjectStreamAsync(IGrouping<string, StoredEvent> stream, CancellationToken cancellationToken) =>
        stream.Key.StartsWith("cart-", StringComparison.Ordinal) ? ProjectCartAsync(stream.Key, stream, cancellationToken)
        : stream.Key.StartsWith("order-", StringComparison.Ordinal) ? ProjectOrderAsync(stream.Key, stream.Max(e => e.Version), cancellationToken)
        : Task.CompletedTask;

    private async Task ProjectCartAsync(string streamId, IEnumerable<StoredEvent> events, CancellationToken cancellationToken)
    {
        var loaded = await loader.LoadAtLeastAsync(StreamTypes.Cart, streamId, events.Max(e => e.Version), cancellationToken);
        if (loaded.State is not { } cart)
        {
            return;
        }

        // An abandoned cart is listed for no one (it is off its members' lists); it stays readable by id.
        var view = Projection.ToView(cart, loaded.Version, loaded.UpdatedAt);
        var written = await views.UpsertAsync(
            new ViewDocument(CartKind, cart.CartId, loaded.Version, cart.Status == CartStatus.Abandoned ? [] : [.. view.Members], Json.Serialize(view), loaded.UpdatedAt),
            cancellationToken);
        if (!written)
        {
            return;
        }

        // The people whose list of carts changed hear of it first, even when they have no cart open;
        // a removed collaborator leaves the cart's group before its next cartUpdated goes out.
        foreach (var (userId, change) in ListChanges(events, cart))
        {
            if (change == CartsChange.Removed)
            {
                await PushAsync(() => notifier.RemoveUserFromCartAsync(cart.CartId, userId, cancellationToken), streamId);
            }

            await PushAsync(() => notifier.CartsChangedAsync(userId, new CartsChange(cart.CartId, change, loaded.Version), cancellationToken), streamId);
        }

        await PushAsync(() => notifier.CartUpdatedAsync(view, cancellationToken), streamId);
    }

    /// <summary>
    /// Who gained or lost the cart in this batch, judged against the cart as it is now (an invitation
    /// undone within the same batch tells no one): the invited, the removed, every member on abandonment.
    /// </summary>
    private static IEnumerable<(string UserId, string Change)> ListChanges(IEnumerable<StoredEvent> events, Cart cart)
    {
        var changes = new List<(string, string)>();
        var relevant = events.Where(e => EventSerializer.Is<CollaboratorAdded>(e.Type) || EventSerializer.Is<CollaboratorRemoved>(e.Type) || EventSerializer.Is<CartAbandoned>(e.Type));
        foreach (var stored in relevant)
        {
            switch (EventSerializer.Deserialize(stored.Type, stored.Data))
            {
                case CollaboratorAdded added when cart.Collaborators.Contains(added.UserId):
                    changes.Add((added.UserId, CartsChange.Invited));
                    break;
                case CollaboratorRemoved removed when !cart.Collaborators.Contains(removed.UserId):
                    changes.Add((removed.UserId, CartsChange.Removed));
                    break;
                case CartAbandoned:
                    changes.AddRange(cart.Collaborators.Prepend(cart.OwnerId).Select(u => (u, CartsChange.Abandoned)));
                    break;
            }
        }

        return changes.Distinct();
    }

    private async Task ProjectOrderAsync(string streamId, long atLeast, CancellationToken cancellationToken)
    {
        var loaded = await loader.LoadAtLeastAsync(StreamTypes.Order, streamId, atLeast, cancellationToken);
        if (loaded.State is not { } order)
        {
            return;
        }

        var view = Projection.ToView(order, loaded.Version);
        var written = await views.UpsertAsync(
            new ViewDocument(OrderKind, order.OrderId, loaded.Version, [order.CustomerId], Json.Serialize(view), loaded.UpdatedAt),
            cancellationToken);
        if (written)
        {
            await PushAsync(() => notifier.OrderUpdatedAsync(view, cancellationToken), streamId);
        }
    }

    // A push is best effort: the view is written and clients can always read it, so a failed
    // push is logged rather than holding back the feed for every other stream.
    private async Task PushAsync(Func<Task> push, string streamId)
    {
        try
        {
            await push();
        }
#pragma warning disable CA1031 // see above
        catch (Exception error)
#pragma warning restore CA1031
        {
            LogPushFailed(logger, error, streamId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Realtime push for {StreamId} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception error, string streamId);
}
