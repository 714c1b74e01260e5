using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;

namespace CartOrders.Domain.Tests;

public sealed class UpcasterTests
{
    private static readonly ShippingAddress Address = new("Alice", "1 Main St", "Paris", "75001", "FR");

    [Fact]
    public void An_item_added_with_a_decimal_price_becomes_minor_units_with_its_currency()
    {
        var (type, v2) = EventUpcasters.Chain.Apply("ItemAdded.v1", new ItemAddedV1Data("mug", "Mug", 12.9m, 2));

        Assert.Equal("ItemAdded.v2", type);
        Assert.Equal(new ItemAdded("mug", "Mug", 1290, "EUR", 2), v2);
    }

    [Fact]
    public void A_checkout_gets_its_lines_and_total_in_minor_units_and_the_stored_shape_is_left_as_it_was()
    {
        var v1 = new CartCheckedOutV1Data("o1", "alice", Address, [new CartLineV1Data("mug", "Mug", 0.1m, 3, 0.3m)], 0.3m, "EUR");
        var before = v1 with { };

        var (type, v2) = EventUpcasters.Chain.Apply("CartCheckedOut.v1", v1);

        Assert.Equal(before, v1);
        Assert.Equal("CartCheckedOut.v2", type);
        var checkedOut = Assert.IsType<CartCheckedOut>(v2);
        Assert.Equal((30L, "EUR", Address), (checkedOut.TotalMinor, checkedOut.Currency, checkedOut.ShippingAddress));
        Assert.Equal(new CartLine("mug", "Mug", 10, 3), Assert.Single(checkedOut.Lines));
        Assert.Equal(30L, checkedOut.Lines[0].LineTotalMinor);
    }

    [Fact]
    public void A_placed_order_keeps_its_currency_digits_when_upcast()
    {
        var at = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
        var (type, v2) = EventUpcasters.Chain.Apply(
            "OrderPlaced.v1",
            new OrderPlacedV1Data("o1", "c1", "alice", [new CartLineV1Data("tea", "Tea", 1500m, 1, 1500m)], 1500m, "JPY", Address, at));

        Assert.Equal("OrderPlaced.v2", type);
        var placed = Assert.IsType<OrderPlaced>(v2);
        Assert.Equal((1500L, "JPY", "c1", "alice", at), (placed.TotalMinor, placed.Currency, placed.CartId, placed.CustomerId, placed.At));
        Assert.Equal(1500L, Assert.Single(placed.Lines).UnitPriceMinor);
    }

    [Theory]
    [InlineData("ItemAdded.v1", "unitPrice")]
    [InlineData("CartCheckedOut.v1", "total")]
    [InlineData("OrderPlaced.v1", "unitPrice")]
    public void A_stored_amount_finer_than_a_cent_is_refused_rather_than_rounded(string storedType, string named)
    {
        object stored = storedType switch
        {
            "ItemAdded.v1" => new ItemAddedV1Data("mug", "Mug", 12.905m, 1),
            "CartCheckedOut.v1" => new CartCheckedOutV1Data("o1", "alice", Address, [new CartLineV1Data("mug", "Mug", 1m, 1, 1m)], 1.001m, "EUR"),
            _ => new OrderPlacedV1Data("o1", "c1", "alice", [new CartLineV1Data("mug", "Mug", 0.005m, 1, 0.005m)], 1m, "EUR", Address, DateTimeOffset.UnixEpoch),
        };

        var error = Assert.Throws<InvalidDataException>(() => EventUpcasters.Chain.Apply(storedType, stored));
        Assert.Contains($"'{named}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_is_followed_from_the_oldest_schema_to_the_newest()
    {
        var chain = new UpcasterChain(
        [
            new Upcaster<ThingV2, ThingV3>("Thing.v2", "Thing.v3", d => new ThingV3(d.B * 10)),
            new Upcaster<ThingV1, ThingV2>("Thing.v1", "Thing.v2", d => new ThingV2(d.A + 1)),
        ]);

        var (type, data) = chain.Apply("Thing.v1", new ThingV1(1));

        Assert.Equal(("Thing.v3", new ThingV3(20)), (type, data));
        Assert.Equal("Thing.v3", chain.Target("Thing.v2"));
        Assert.Equal("Other.v1", chain.Target("Other.v1"));
    }

    [Fact]
    public void Two_upcasters_from_one_schema_a_step_that_gives_what_the_next_cannot_read_or_a_loop_are_registration_errors()
    {
        Assert.Throws<ArgumentException>(() => new UpcasterChain(
            [new Upcaster<ThingV1, ThingV2>("A.v1", "A.v2", d => new ThingV2(d.A)), new Upcaster<ThingV1, ThingV3>("A.v1", "A.v3", d => new ThingV3(d.A))]));
        var mismatch = Assert.Throws<ArgumentException>(() => new UpcasterChain(
            [new Upcaster<ThingV1, ThingV2>("A.v1", "A.v2", d => new ThingV2(d.A)), new Upcaster<ThingV1, ThingV3>("A.v2", "A.v3", d => new ThingV3(d.A))]));
        Assert.Contains("reads a ThingV1", mismatch.Message, StringComparison.Ordinal);
        var loop = new UpcasterChain([new Upcaster<ThingV1, ThingV1>("A.v1", "A.v2", d => d), new Upcaster<ThingV1, ThingV1>("A.v2", "A.v1", d => d)]);
        Assert.Throws<InvalidDataException>(() => loop.Apply("A.v1", new ThingV1(0)));
    }

    [Fact]
    public void A_cart_refuses_an_item_priced_in_another_currency()
    {
        var cart = Cart.Evolve(null, new CartCreated("c1", "alice", "USD"));
        Assert.Throws<InvalidDataException>(() => Cart.Evolve(cart, new ItemAdded("mug", "Mug", 1200, "EUR", 1)));
    }

    private sealed record ThingV1(int A);

    private sealed record ThingV2(int B);

    private sealed record ThingV3(int C);
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
