using System.Text.Json.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;

namespace CartOrders.Application.Projections;

public sealed record LineView(string ProductId, string Name, decimal UnitPrice, int Quantity, decimal LineTotal)
{
    /// <summary>The public line: amounts as decimals of <paramref name="currency"/>, from the stored minor units.</summary>
    public static LineView From(CartLine line, string currency)
    {
        ArgumentNullException.ThrowIfNull(line);
        return new(line.ProductId, line.Name, Money.ToDecimal(line.UnitPriceMinor, currency), line.Quantity, Money.ToDecimal(line.LineTotalMinor, currency));
    }
}

/// <summary>The public shape of a cart (api.md CartView); <c>Name</c> is absent until the owner names it.</summary>
public sealed record CartView(
    string CartId,
    string OwnerId,
    IReadOnlyList<string> Collaborators,
    string Status,
    IReadOnlyList<LineView> Items,
    int ItemCount,
    decimal Total,
    string Currency,
    long Version,
    DateTimeOffset UpdatedAt,
    string? OrderId,
    string? Name = null)
{
    /// <summary>Owner and collaborators: who the view is listed for. Not part of the public shape.</summary>
    [JsonIgnore]
    public IEnumerable<string> Members => Collaborators.Prepend(OwnerId);
}

public sealed record StatusChangeView(string Status, DateTimeOffset At);

/// <summary>
/// The public shape of an order (api.md OrderView). The payment reference, carrier and tracking
/// number, and cancellation reason are there once the order got them (absent before).
/// </summary>
public sealed record OrderView(
    string OrderId,
    string CartId,
    string CustomerId,
    IReadOnlyList<LineView> Items,
    decimal Total,
    string Currency,
    string Status,
    ShippingAddress ShippingAddress,
    IReadOnlyList<StatusChangeView> History,
    long Version,
    string? PaymentReference = null,
    string? Carrier = null,
    string? TrackingNumber = null,
    string? CancellationReason = null);

/// <summary>
/// State to view: the one projection function used both by the projector (views) and by
/// command responses and single reads (read-your-writes), so the two can never disagree.
/// </summary>
public static class Projection
{
    public static CartView ToView(Cart cart, long version, DateTimeOffset updatedAt)
    {
        ArgumentNullException.ThrowIfNull(cart);
        return new CartView(
            cart.CartId,
            cart.OwnerId,
            cart.Collaborators,
            cart.Status switch { CartStatus.Open => "open", CartStatus.CheckedOut => "checkedOut", _ => "abandoned" },
            [.. cart.Lines.Select(l => LineView.From(l, cart.Currency))],
            cart.ItemCount,
            Money.ToDecimal(cart.TotalMinor, cart.Currency),
            cart.Currency,
            version,
            updatedAt,
            cart.OrderId,
            cart.Name);
    }

    public static OrderView ToView(Order order, long version)
    {
        ArgumentNullException.ThrowIfNull(order);
        return new OrderView(
            order.OrderId,
            order.CartId,
            order.CustomerId,
            [.. order.Lines.Select(l => LineView.From(l, order.Currency))],
            Money.ToDecimal(order.TotalMinor, order.Currency),
            order.Currency,
            StatusName(order.Status),
            order.ShippingAddress,
            [.. order.History.Select(h => new StatusChangeView(StatusName(h.Status), h.At))],
            version,
            order.PaymentReference,
            order.Carrier,
            order.TrackingNumber,
            order.CancellationReason);
    }

    public static string StatusName(OrderStatus status) => status switch
    {
        OrderStatus.Placed => "placed",
        OrderStatus.PaymentAuthorized => "paymentAuthorized",
        OrderStatus.Rejected => "rejected",
        OrderStatus.Shipped => "shipped",
        OrderStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
