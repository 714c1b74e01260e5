using System.Runtime.CompilerServices;
using CartOrders.Application.Commands;
using CartOrders.Application.Feed;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain.Carts;
using Microsoft.Extensions.Logging;

namespace CartOrders.Application.Projections;

/// <summary>
/// Keeps the views: for each stream in a batch, takes a state at or after the batch's last event
/// (remembered, or loaded: snapshot, and the tail only when the snapshot is older), projects it with
/// the same projection as command replies and writes it if newer. Only after a view
/// write does it push the change, so a push is never ahead of the view and versions only go up.
/// Idempotent: replaying a batch writes nothing new and pushes nothing.
/// The streams of a batch are independent, so they are projected concurrently (bounded), each
/// stream's own work in order: a large batch (a catch-up, a rebuild) then shares group commits
/// for its view writes instead of waiting for one commit per stream.
/// While the views are rebuilt as a new generation (<see cref="IViewGenerations"/>), each view is
/// written into that generation too, so the new one misses nothing that comes after the rebuild
/// read past it.
/// </summary>
public sealed partial class Projector(StreamLoader loader, IViewStore views, IRealtimeNotifier notifier, ILogger<Projector> logger, IViewGenerations? generations = null) : IFeedHandler
{
    public const string CartKind = "cart";
    public const string OrderKind = "order";

    /// <summary>The subscription name, which is also the projection's name.</summary>
    public const string Name = "projector";

    /// <summary>
    /// The version of the views' shape. Raise it with any change to what a view holds: a host started
    /// with a version other than the live views' rebuilds them as a new generation by itself.
    /// </summary>
    public const int Version = 1;

    private const int MaxConcurrentStreams = 32;

    public string Subscription => Name;

    public Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        return ProjectAsync(events, intoOnly: null, cancellationToken);
    }

    /// <summary>Writes the batch's views into one generation only, pushing nothing: the work of a rebuild.</summary>
    public Task ProjectIntoAsync(IReadOnlyList<StoredEvent> events, int generation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        return generations is null
            ? throw new InvalidOperationException("This store keeps no generations of its views.")
            : ProjectAsync(events, generation, cancellationToken);
    }

    /// <summary>A view made from a stream's state (<paramref name="Source"/>, as the loader gave it), and the pushes to make once it is written to the live views.</summary>
    private sealed record ViewChange(ViewDocument Document, Func<Task> Push, object Source);

    /// <summary>
    /// The generation each state the loader still remembers was last written into by a rebuild
    /// (<see cref="ProjectIntoAsync"/>). A stream's events come in several batches of a rebuild, and
    /// the loader, asked for at least each batch's last version, gives the same remembered state
    /// again; its view is then already in the generation (views only move up), so it is neither
    /// made nor written again. Weak keys: an entry lives as long as the loader remembers the state.
    /// </summary>
    private readonly ConditionalWeakTable<object, StrongBox<int>> _rebuiltInto = new();

    /// <summary>
    /// Loads every stream's state first, then reads which generation is being built, then writes.
    /// In that order a state loaded before a rebuild began holds only events the rebuild itself
    /// reads (and loads again after it began); a state loaded after is written into the rebuild's
    /// generation too, before the live one, so the new generation is never behind the live one.
    /// </summary>
    private async Task ProjectAsync(IReadOnlyList<StoredEvent> events, int? intoOnly, CancellationToken cancellationToken)
    {
        var streams = events.GroupBy(e => e.StreamId).ToList();
        var changes = new ViewChange?[streams.Count];
        await ForEachAsync(Enumerable.Range(0, streams.Count).ToList(), async (i, token) => changes[i] = await MakeAsync(streams[i], intoOnly, token), cancellationToken);
        var building = intoOnly is null && generations is not null ? (await generations.ReadAsync(cancellationToken)).Rebuild?.Generation : null;
        await ForEachAsync(
            changes.OfType<ViewChange>().ToList(),
            async (change, token) =>
            {
                if (intoOnly is { } only)
                {
                    await generations!.UpsertAsync(change.Document, only, token);
                    _rebuiltInto.AddOrUpdate(change.Source, new StrongBox<int>(only));
                    return;
                }

                if (building is { } next)
                {
                    await generations!.UpsertAsync(change.Document, next, token);
                }

                if (await views.UpsertAsync(change.Document, token))
                {
                    await change.Push();
                }
            },
            cancellationToken);
    }

    private static Task ForEachAsync<T>(IReadOnlyList<T> items, Func<T, CancellationToken, Task> work, CancellationToken cancellationToken) =>
        items.Count == 1
            ? work(items[0], cancellationToken)
            : Parallel.ForEachAsync(
                items,
                new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentStreams, CancellationToken = cancellationToken },
                (item, token) => new ValueTask(work(item, token)));

    private Task<ViewChange?> MakeAsync(IGrouping<string, StoredEvent> stream, int? intoOnly, CancellationToken cancellationToken) =>
        stream.Key.StartsWith("cart-", StringComparison.Ordinal) ? MakeCartAsync(stream.Key, stream, intoOnly, cancellationToken)
        : stream.Key.StartsWith("order-", StringComparison.Ordinal) ? MakeOrderAsync(stream.Key, stream.Max(e => e.Version), intoOnly, cancellationToken)
        : Task.FromResult<ViewChange?>(null);

    /// <summary>Whether a rebuild into <paramref name="intoOnly"/> already wrote the view of this very state.</summary>
    private bool Rebuilt(object loaded, int? intoOnly) =>
        intoOnly is { } generation && _rebuiltInto.TryGetValue(loaded, out var written) && written.Value == generation;

    private async Task<ViewChange?> MakeCartAsync(string streamId, IEnumerable<StoredEvent> events, int? intoOnly, CancellationToken cancellationToken)
    {
        var loaded = await loader.LoadAtLeastAsync(StreamTypes.Cart, streamId, events.Max(e => e.Version), cancellationToken);
        if (loaded.State is not { } cart || Rebuilt(loaded, intoOnly))
        {
            return null;
        }

        // An abandoned cart is listed for no one (it is off its members' lists); it stays readable by id.
        var view = Projection.ToView(cart, loaded.Version, loaded.UpdatedAt);
        var document = new ViewDocument(CartKind, cart.CartId, loaded.Version, cart.Status == CartStatus.Abandoned ? [] : [.. view.Members], Json.Serialize(view), loaded.UpdatedAt);
        return new ViewChange(document, async () =>
        {
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

            // Who made the change and what it was: the last of the stream's events in this batch, if
            // it made the loaded version (the stream may have moved on since the batch was read).
            var update = CartUpdate.After(view, events.MaxBy(e => e.Version));
            await PushAsync(() => notifier.CartUpdatedAsync(update, cancellationToken), streamId);
        }, loaded);
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

    private async Task<ViewChange?> MakeOrderAsync(string streamId, long atLeast, int? intoOnly, CancellationToken cancellationToken)
    {
        var loaded = await loader.LoadAtLeastAsync(StreamTypes.Order, streamId, atLeast, cancellationToken);
        if (loaded.State is not { } order || Rebuilt(loaded, intoOnly))
        {
            return null;
        }

        var view = Projection.ToView(order, loaded.Version);
        var document = new ViewDocument(OrderKind, order.OrderId, loaded.Version, [order.CustomerId], Json.Serialize(view), loaded.UpdatedAt);
        return new ViewChange(document, () => PushAsync(() => notifier.OrderUpdatedAsync(view, cancellationToken), streamId), loaded);
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
