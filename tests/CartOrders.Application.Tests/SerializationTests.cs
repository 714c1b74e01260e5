using System.Text;
using System.Text.Json;
using CartOrders.Application.Integration;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;

namespace CartOrders.Application.Tests;

/// <summary>The product's JSON, stored events that cannot be read and why, and the stream ids integration events are mapped from.</summary>
public sealed class SerializationTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void New_json_options_are_the_products_shape_and_read_only()
    {
        var options = Json.Create();

        Assert.True(options.IsReadOnly);
        Assert.NotSame(Json.Options, options);
        Assert.Equal(
            """{"status":"paymentAuthorized","cartId":"c1"}""",
            JsonSerializer.Serialize(new { Status = OrderStatus.PaymentAuthorized, CartId = "c1", OrderId = (string?)null }, options));
        Assert.Equal(OrderStatus.Shipped, JsonSerializer.Deserialize<StatusHolder>("""{"STATUS":"shipped"}""", options)!.Status);
    }

    [Fact]
    public void Reading_json_null_as_a_value_names_the_type_it_expected()
    {
        var error = Assert.Throws<JsonException>(() => Json.Deserialize<CartView>("null"u8.ToArray()));

        Assert.Equal("null CartView", error.Message);
    }

    [Fact]
    public void A_stored_event_that_reads_as_json_null_is_refused_naming_its_type()
    {
        var error = Assert.Throws<JsonException>(() => EventSerializer.Deserialize("CartCreated.v1", "null"u8.ToArray()));

        Assert.Equal("null CartCreated.v1", error.Message);
    }

    [Theory]
    [InlineData("[]", "The JSON value could not be converted")]
    [InlineData("null", "It is null.")]
    [InlineData("""{"productId":"mug","name":"Mug","quantity":1}""", "missing required properties including: 'unitPrice'")]
    [InlineData("""{"productId":null,"name":"Mug","unitPrice":1,"quantity":1}""", "productId")]
    public void An_event_of_an_older_schema_that_does_not_read_as_that_schema_is_refused_saying_why(string json, string reason)
    {
        var error = Assert.Throws<JsonException>(() => EventSerializer.Deserialize("ItemAdded.v1", System.Text.Encoding.UTF8.GetBytes(json)));

        Assert.StartsWith("The stored ItemAdded.v1 does not read as that schema: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_event_of_an_older_schema_its_upcaster_refuses_is_refused_with_the_upcasters_reason()
    {
        var finerThanACent = """{"productId":"mug","name":"Mug","unitPrice":12.905,"quantity":1}"""u8.ToArray();

        var error = Assert.Throws<JsonException>(() => EventSerializer.Deserialize("ItemAdded.v1", finerThanACent));

        Assert.StartsWith("The stored ItemAdded.v1 cannot be upcast: The stored 'unitPrice' is not an amount of EUR", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(error.InnerException);
        Assert.Throws<JsonException>(() => EventSerializer.ToCurrent("ItemAdded.v1", finerThanACent));
    }

    [Fact]
    public void An_event_of_an_older_schema_reads_as_the_current_event_and_its_current_json()
    {
        var v1 = """{"productId":"mug","name":"Mug","unitPrice":12.9,"quantity":2}"""u8.ToArray();

        Assert.Equal(new ItemAdded("mug", "Mug", 1290, "EUR", 2), EventSerializer.Deserialize("ItemAdded.v1", v1));
        var (type, current) = EventSerializer.ToCurrent("ItemAdded.v1", v1);
        Assert.Equal("ItemAdded.v2", type);
        Assert.Equal("""{"productId":"mug","name":"Mug","unitPriceMinor":1290,"currency":"EUR","quantity":2}""", System.Text.Encoding.UTF8.GetString(current.Span));
    }

    [Fact]
    public void An_event_of_the_current_schema_is_current_as_stored()
    {
        var data = EventSerializer.Serialize(new ItemRemoved("mug"));

        var (type, current) = EventSerializer.ToCurrent("ItemRemoved.v1", data);

        Assert.Equal("ItemRemoved.v1", type);
        Assert.Equal(data, current.ToArray());
        Assert.Throws<JsonException>(() => EventSerializer.ToCurrent("Nope.v1", data));
    }

    [Fact]
    public void An_order_event_without_its_orders_state_cannot_be_mapped_and_says_what_it_needs()
    {
        var stored = Stored("order-o1", new PaymentAuthorized("pay-1", s_t0));

        var error = Assert.Throws<InvalidOperationException>(() => IntegrationEventMapper.Map(stored));

        Assert.Equal("PaymentAuthorized.v1 of order-o1 needs that order's state for its customer.", error.Message);
    }

    [Theory]
    [InlineData("basket-c1", "'basket-c1' is not a cart-{id} stream.")]
    [InlineData("cart-", "'cart-' is not a cart-{id} stream.")]
    [InlineData("cart-no spaces", "'cart-no spaces' is not a cart-{id} stream.")]
    public void A_cart_event_of_a_stream_that_is_not_a_carts_cannot_be_mapped(string streamId, string message)
    {
        var checkedOut = new CartCheckedOut("o1", "alice", new ShippingAddress("A", "1 St", "City", "1", "FR"), [], 0, "EUR");

        var error = Assert.Throws<InvalidOperationException>(() => IntegrationEventMapper.Map(Stored(streamId, checkedOut)));

        Assert.Equal(message, error.Message);
        Assert.Equal("carts/c1", IntegrationEventMapper.Map(Stored("cart-c1", checkedOut))!.Subject);
    }

    private static StoredEvent Stored(string streamId, IDomainEvent e) =>
        new(streamId, 1, Guid.NewGuid(), EventSerializer.TypeName(e), EventSerializer.Serialize(e), new EventMetadata("alice", s_t0));

    private sealed record StatusHolder(OrderStatus Status);
}
