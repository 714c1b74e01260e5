using CartOrders.Application.Commands;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Catalog;

namespace CartOrders.Bench.Rebuild;

/// <summary>
/// Writes carts straight through the event store the way the command handler would: real
/// events serialized by the EventSerializer, each append carrying the snapshot of the state it
/// leads to. The history is plausible (items added, quantities changed, a collaborator), so
/// the projector folds and renders real carts.
/// </summary>
internal sealed class CartHistory(IEventStore store)
{
    private static readonly IReadOnlyList<Product> s_products = ProductCatalog.Seed.Products;

    private readonly Dictionary<string, (Cart? State, long Version)> _carts = new(StringComparer.Ordinal);

    public static string StreamId(int cart) => $"cart-bench-{cart}";

    /// <summary>The event a cart gets as its version-th (1-based) event.</summary>
    public static CartEvent EventAt(int cart, long version) => version switch
    {
        1 => new CartCreated($"bench-{cart}", $"user-{cart % 1000}", ProductCatalog.Seed.Currency),
        50 => new CollaboratorAdded($"user-{(cart + 1) % 1000}"),
        _ when version % 10 == 9 => new ItemQuantityChanged(s_products[(int)(version / 10 % 20)].ProductId.Value, (int)(version % 7) + 1),
        _ => Added(s_products[(int)(version % 20)]),
    };

    /// <summary>Appends the cart's next <paramref name="count"/> events with the snapshot after them.</summary>
    public Task AppendAsync(int cart, int count, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var streamId = StreamId(cart);
        var (state, version) = _carts.GetValueOrDefault(streamId);
        var expected = version;
        var metadata = new EventMetadata($"user-{cart % 1000}", at);
        var events = new List<EventToAppend>(count);
        for (var i = 0; i < count; i++)
        {
            var e = EventAt(cart, ++version);
            state = Cart.Evolve(state, e);
            events.Add(new EventToAppend(Guid.CreateVersion7(at), EventSerializer.TypeName(e), EventSerializer.Serialize(e), metadata));
        }

        _carts[streamId] = (state, version);
        var snapshot = new Snapshot(streamId, version, StreamTypes.Cart.Schema, Json.Serialize(state), at);
        return store.AppendAsync(new AppendRequest(streamId, expected, events, snapshot), cancellationToken);
    }

    private static ItemAdded Added(Product p) => new(p.ProductId.Value, p.Name, Money.ToMinor(p.UnitPrice, p.Currency), p.Currency, 1);
}
