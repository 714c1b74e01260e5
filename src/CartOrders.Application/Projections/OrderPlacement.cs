using CartOrders.Application.Commands;
using CartOrders.Application.Feed;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;

namespace CartOrders.Application.Projections;

/// <summary>
/// The process manager that places orders: each CartCheckedOut becomes OrderPlaced on
/// <c>order-{orderId}</c>, appended at expected version 0, so a replayed event places nothing twice.
/// </summary>
public sealed class OrderPlacement(CommandHandler commands) : IFeedHandler
{
    private static readonly CommandReply s_noReply = new(204, ReadOnlyMemory<byte>.Empty, "application/json", null, null);

    public string Subscription => "order-placement";

    public async Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var stored in events.Where(e => EventSerializer.Is<CartCheckedOut>(e.Type)))
        {
            var checkout = (CartCheckedOut)EventSerializer.Deserialize(stored.Type, stored.Data);
            var cartId = new CartId(stored.StreamId["cart-".Length..]);
            var orderId = new OrderId(checkout.OrderId);
            var by = new Actor(new UserId(checkout.OwnerId));
            var context = new CommandContext(by, stored.Metadata.OccurredAt, ExpectedVersion: 0, CorrelationId: stored.Metadata.CorrelationId);
            try
            {
                await commands.HandleAsync(
                    StreamTypes.Order,
                    orderId.StreamId,
                    context,
                    state => OrderDecider.Decide(new PlaceOrder(by, stored.Metadata.OccurredAt, cartId, checkout), state),
                    _ => s_noReply,
                    cancellationToken);
            }
            catch (VersionMismatchException)
            {
                // Placed before: this event is being delivered again.
            }
        }
    }
}
