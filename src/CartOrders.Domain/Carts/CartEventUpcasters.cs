using System.Text.Json.Nodes;

namespace CartOrders.Domain.Carts;

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
        new("ItemAdded.v1", "ItemAdded.v2", ItemAddedV1ToV2),
        new("CartCheckedOut.v1", "CartCheckedOut.v2", CheckedOutV1ToV2),
    ];

    /// <summary><c>{productId, name, unitPrice, quantity}</c> to <c>{productId, name, unitPriceMinor, currency, quantity}</c>.</summary>
    public static JsonObject ItemAddedV1ToV2(JsonObject v1)
    {
        var v2 = UpcastJson.CopyWithout(v1, "unitPrice");
        v2["unitPriceMinor"] = UpcastJson.Minor(v1, "unitPrice", ItemAddedV1Currency);
        v2["currency"] = ItemAddedV1Currency;
        return v2;
    }

    /// <summary>Lines' <c>unitPrice</c>/<c>lineTotal</c> and <c>total</c> to minor units of the event's <c>currency</c>.</summary>
    public static JsonObject CheckedOutV1ToV2(JsonObject v1) => LinesAndTotalV1ToV2(v1);

    /// <summary>The money of a v1 checkout or placement (lines and total, decimal) as v2 has it (minor units).</summary>
    public static JsonObject LinesAndTotalV1ToV2(JsonObject v1)
    {
        ArgumentNullException.ThrowIfNull(v1);
        var currency = UpcastJson.Required(v1, "currency").GetValue<string>();
        var v2 = UpcastJson.CopyWithout(v1, "lines", "total");
        var lines = new JsonArray();
        foreach (var line in UpcastJson.Required(v1, "lines").AsArray())
        {
            var v1Line = line as JsonObject ?? throw new InvalidDataException("A stored line is not an object.");
            var v2Line = UpcastJson.CopyWithout(v1Line, "unitPrice", "lineTotal");
            var unitMinor = UpcastJson.Minor(v1Line, "unitPrice", currency);
            v2Line["unitPriceMinor"] = unitMinor;
            v2Line["lineTotalMinor"] = unitMinor * UpcastJson.Required(v1Line, "quantity").GetValue<int>();
            lines.Add(v2Line);
        }

        v2["lines"] = lines;
        v2["totalMinor"] = UpcastJson.Minor(v1, "total", currency);
        return v2;
    }
}
