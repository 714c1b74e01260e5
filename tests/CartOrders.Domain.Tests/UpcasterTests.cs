using System.Text.Json.Nodes;
using CartOrders.Domain;
using CartOrders.Domain.Carts;

namespace CartOrders.Domain.Tests;

public sealed class UpcasterTests
{
    private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void An_item_added_with_a_decimal_price_becomes_minor_units_with_its_currency()
    {
        var v1 = Parse("""{"productId":"mug","name":"Mug","unitPrice":12.9,"quantity":2}""");

        var (type, v2) = EventUpcasters.Chain.Apply("ItemAdded.v1", v1);

        Assert.Equal("ItemAdded.v2", type);
        Assert.Equal(1290, (long)v2["unitPriceMinor"]!);
        Assert.Equal("EUR", (string)v2["currency"]!);
        Assert.Null(v2["unitPrice"]);
        Assert.Equal(("mug", "Mug", 2), ((string)v2["productId"]!, (string)v2["name"]!, (int)v2["quantity"]!));
    }

    [Fact]
    public void An_upcaster_leaves_the_stored_json_as_it_was()
    {
        var v1 = Parse("""{"orderId":"o1","ownerId":"alice","lines":[{"productId":"mug","name":"Mug","unitPrice":0.1,"quantity":3,"lineTotal":0.3}],"total":0.3,"currency":"EUR"}""");
        var before = v1.ToJsonString();

        var (type, v2) = EventUpcasters.Chain.Apply("CartCheckedOut.v1", v1);

        Assert.Equal(before, v1.ToJsonString());
        Assert.Equal("CartCheckedOut.v2", type);
        Assert.Equal(30, (long)v2["totalMinor"]!);
        Assert.Equal((10L, 30L), ((long)v2["lines"]![0]!["unitPriceMinor"]!, (long)v2["lines"]![0]!["lineTotalMinor"]!));
    }

    [Fact]
    public void A_placed_order_keeps_its_currency_digits_when_upcast()
    {
        var (type, v2) = EventUpcasters.Chain.Apply(
            "OrderPlaced.v1",
            Parse("""{"orderId":"o1","lines":[{"productId":"tea","name":"Tea","unitPrice":1500,"quantity":1,"lineTotal":1500}],"total":1500,"currency":"JPY"}"""));

        Assert.Equal("OrderPlaced.v2", type);
        Assert.Equal(1500, (long)v2["totalMinor"]!);
    }

    [Fact]
    public void A_stored_amount_finer_than_a_cent_is_refused_rather_than_rounded()
    {
        var error = Assert.Throws<InvalidDataException>(() =>
            EventUpcasters.Chain.Apply("ItemAdded.v1", Parse("""{"productId":"mug","name":"Mug","unitPrice":12.905,"quantity":1}""")));
        Assert.Contains("unitPrice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_is_followed_from_the_oldest_schema_to_the_newest()
    {
        var chain = new UpcasterChain(
        [
            new("Thing.v2", "Thing.v3", d => new JsonObject { ["c"] = (int)d["b"]! * 10 }),
            new("Thing.v1", "Thing.v2", d => new JsonObject { ["b"] = (int)d["a"]! + 1 }),
        ]);

        var (type, data) = chain.Apply("Thing.v1", Parse("""{"a":1}"""));

        Assert.Equal(("Thing.v3", 20), (type, (int)data["c"]!));
        Assert.Equal("Thing.v3", chain.Target("Thing.v2"));
        Assert.Equal("Other.v1", chain.Target("Other.v1"));
    }

    [Fact]
    public void Two_upcasters_from_one_schema_or_a_loop_are_registration_errors()
    {
        Assert.Throws<ArgumentException>(() => new UpcasterChain([new("A.v1", "A.v2", d => d), new("A.v1", "A.v3", d => d)]));
        var loop = new UpcasterChain([new("A.v1", "A.v2", d => d), new("A.v2", "A.v1", d => d)]);
        Assert.Throws<InvalidDataException>(() => loop.Apply("A.v1", []));
    }

    [Fact]
    public void A_cart_refuses_an_item_priced_in_another_currency()
    {
        var cart = Cart.Evolve(null, new CartCreated("c1", "alice", "USD"));
        Assert.Throws<InvalidDataException>(() => Cart.Evolve(cart, new ItemAdded("mug", "Mug", 1200, "EUR", 1)));
    }
}

public sealed class MoneyTests
{
    [Theory]
    [InlineData("7.9", "EUR", 790)]
    [InlineData("0.01", "EUR", 1)]
    [InlineData("1500", "JPY", 1500)]
    [InlineData("1.234", "KWD", 1234)]
    public void Amounts_convert_to_whole_minor_units_and_back(string amount, string currency, long minor)
    {
        var value = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(minor, Money.ToMinor(value, currency));
        Assert.Equal(value, Money.ToDecimal(minor, currency));
    }

    [Fact]
    public void Decimals_come_back_without_trailing_zeros()
    {
        Assert.Equal("23.7", Money.ToDecimal(2370, "EUR").ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("12", Money.ToDecimal(1200, "EUR").ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void An_amount_finer_than_the_minor_unit_or_a_bad_code_is_refused()
    {
        Assert.Throws<ArgumentException>(() => Money.ToMinor(0.001m, "EUR"));
        Assert.Throws<ArgumentException>(() => Money.ToMinor(1.5m, "JPY"));
        Assert.Throws<ArgumentException>(() => Money.ToMinor(1m, "eur"));
    }
}
