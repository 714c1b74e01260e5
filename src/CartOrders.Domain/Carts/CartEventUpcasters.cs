namespace CartOrders.Domain.Carts;

/// <summary>A line as v1 events stored it: decimal amounts of the event's currency.</summary>
public sealed record CartLineV1Data(string ProductId, string Name, decimal UnitPrice, int Quantity, decimal LineTotal);

/// <summary>The stored shape of <c>ItemAdded.v1</c>: a decimal price, no currency (see <see cref="CartEventUpcasters.ItemAddedV1Currency"/>).</summary>
public sealed record ItemAddedV1Data(string ProductId, string Name, decimal UnitPrice, int Quantity);

/// <summary>The stored shape of <c>CartCheckedOut.v1</c>: decimal lines and total.</summary>
public sealed record CartCheckedOutV1Data(
    string OrderId,
    string OwnerId,
    ShippingAddress ShippingAddress,
    IReadOnlyList<CartLineV1Data> Lines,
    decimal Total,
    string Currency);

/// <summary>
/// The older schemas of cart events. v1 stored money as JSON decimals of the cart's currency;
/// v2 stores whole minor units beside the currency.
/// </summary>
public static class CartEventUpcasters
{
    /// <summary>
    /// The currency of every <c>ItemAdded.v1</c>: the releases that wrote v1 priced every cart from
    /// the built-in catalog, whose one currency is EUR (each cart's <c>CartCreated</c> records it).
    /// A cart of another currency would not fold: <see cref="Cart.Evolve"/> refuses an item priced
    /// in a currency other than the cart's, so such a stream is reported, never misread.
    /// </summary>
    public const string ItemAddedV1Currency = "EUR";

    public static IReadOnlyList<Upcaster> All { get; } =
    [
        new Upcaster<ItemAddedV1Data, ItemAdded>("ItemAdded.v1", "ItemAdded.v2", ItemAddedV1ToV2),
        new Upcaster<CartCheckedOutV1Data, CartCheckedOut>("CartCheckedOut.v1", "CartCheckedOut.v2", CheckedOutV1ToV2),
    ];

    public static ItemAdded ItemAddedV1ToV2(ItemAddedV1Data v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        return new(v1.ProductId, v1.Name, UpcastMoney.Minor(v1.UnitPrice, ItemAddedV1Currency, "unitPrice"), ItemAddedV1Currency, v1.Quantity);
    }

    /// <summary>Lines' prices and the total to minor units of the event's currency.</summary>
    public static CartCheckedOut CheckedOutV1ToV2(CartCheckedOutV1Data v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        return new(v1.OrderId, v1.OwnerId, v1.ShippingAddress, LinesV1ToV2(v1.Lines, v1.Currency), UpcastMoney.Minor(v1.Total, v1.Currency, "total"), v1.Currency);
    }

    /// <summary>v1 lines (decimal) as v2 has them (the unit price in minor units; the line total follows from it).</summary>
    public static IReadOnlyList<CartLine> LinesV1ToV2(IReadOnlyList<CartLineV1Data> lines, string currency)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var v2 = new CartLine[lines.Count];
        for (var i = 0; i < v2.Length; i++)
        {
            var line = lines[i] ?? throw new InvalidDataException("A stored line is empty.");
            v2[i] = new CartLine(line.ProductId, line.Name, UpcastMoney.Minor(line.UnitPrice, currency, "unitPrice"), line.Quantity);
        }

        return v2;
    }
}
