using System.Text.Json;
using CartOrders.Application.Integration;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;
using static CartOrders.Messaging.ServiceBus.Tests.TestEvents;

namespace CartOrders.Messaging.ServiceBus.Tests;

public sealed class IntegrationEventMapperTests
{
    [Fact]
    public void Cart_checked_out_is_published_as_CartOrders_CartCheckedOut_v1()
    {
        var stored = Stored(CartStream, 4, CheckedOut);

        var mapped = IntegrationEventMapper.Map(stored)!;

        AssertEnvelope(mapped, stored, "CartOrders.CartCheckedOut.v1", "carts/c1", CheckedOutAt);
        var data = DataOf(mapped);
        Assert.Equal("c1", data.GetProperty("cartId").GetString());
        Assert.Equal("o1", data.GetProperty("orderId").GetString());
        Assert.Equal("alice", data.GetProperty("customerId").GetString());
        AssertItems(data);
        Assert.Equal(4.5m, data.GetProperty("total").GetDecimal());
        Assert.Equal("EUR", data.GetProperty("currency").GetString());
        AssertFields(data, "cartId", "orderId", "customerId", "items", "total", "currency");
    }

    [Fact]
    public void Cart_abandoned_is_published_as_CartOrders_CartAbandoned_v1()
    {
        var idleSince = CheckedOutAt.AddDays(-30);
        var stored = Stored(CartStream, 5, new CartAbandoned("alice", idleSince));

        var mapped = IntegrationEventMapper.Map(stored)!;

        AssertEnvelope(mapped, stored, "CartOrders.CartAbandoned.v1", "carts/c1", stored.Metadata.OccurredAt);
        var data = DataOf(mapped);
        Assert.Equal("c1", data.GetProperty("cartId").GetString());
        Assert.Equal("alice", data.GetProperty("ownerId").GetString());
        Assert.Equal(idleSince, data.GetProperty("idleSince").GetDateTimeOffset());
        Assert.Equal(stored.Metadata.OccurredAt, data.GetProperty("abandonedAt").GetDateTimeOffset());
        AssertFields(data, "cartId", "ownerId", "idleSince", "abandonedAt");
    }

    [Fact]
    public void Order_placed_is_published_with_its_lines_total_and_placement_time()
    {
        var stored = Stored(OrderStream, 1, Placed);

        var mapped = IntegrationEventMapper.Map(stored)!;

        AssertEnvelope(mapped, stored, "CartOrders.OrderPlaced.v1", "orders/o1", PlacedAt);
        var data = DataOf(mapped);
        Assert.Equal("o1", data.GetProperty("orderId").GetString());
        Assert.Equal("c1", data.GetProperty("cartId").GetString());
        Assert.Equal("alice", data.GetProperty("customerId").GetString());
        AssertItems(data);
        Assert.Equal(4.5m, data.GetProperty("total").GetDecimal());
        Assert.Equal("EUR", data.GetProperty("currency").GetString());
        Assert.Equal(PlacedAt, data.GetProperty("placedAt").GetDateTimeOffset());
        AssertFields(data, "orderId", "cartId", "customerId", "items", "total", "currency", "placedAt");
    }

    [Fact]
    public void Payment_authorized_is_published_as_OrderPaymentAuthorized_with_the_customer()
    {
        var stored = Stored(OrderStream, 2, new PaymentAuthorized("pay-42", Later));

        var mapped = IntegrationEventMapper.Map(stored, PlacedOrder)!;

        AssertEnvelope(mapped, stored, "CartOrders.OrderPaymentAuthorized.v1", "orders/o1", Later);
        var data = DataOf(mapped);
        Assert.Equal("o1", data.GetProperty("orderId").GetString());
        Assert.Equal("alice", data.GetProperty("customerId").GetString());
        Assert.Equal("pay-42", data.GetProperty("paymentReference").GetString());
        Assert.Equal(Later, data.GetProperty("at").GetDateTimeOffset());
        AssertFields(data, "orderId", "customerId", "paymentReference", "at");
    }

    [Fact]
    public void Payment_rejected_is_published_as_OrderRejected()
    {
        var stored = Stored(OrderStream, 2, new PaymentRejected("pay-43", Later));

        var mapped = IntegrationEventMapper.Map(stored, PlacedOrder)!;

        AssertEnvelope(mapped, stored, "CartOrders.OrderRejected.v1", "orders/o1", Later);
        var data = DataOf(mapped);
        Assert.Equal("o1", data.GetProperty("orderId").GetString());
        Assert.Equal("alice", data.GetProperty("customerId").GetString());
        Assert.Equal("pay-43", data.GetProperty("paymentReference").GetString());
        Assert.Equal(Later, data.GetProperty("at").GetDateTimeOffset());
        AssertFields(data, "orderId", "customerId", "paymentReference", "at");
    }

    [Fact]
    public void Order_shipped_is_published_with_carrier_and_tracking_number()
    {
        var stored = Stored(OrderStream, 3, new OrderShipped("DHL", "TRACK-1", Later));

        var mapped = IntegrationEventMapper.Map(stored, PlacedOrder)!;

        AssertEnvelope(mapped, stored, "CartOrders.OrderShipped.v1", "orders/o1", Later);
        var data = DataOf(mapped);
        Assert.Equal("o1", data.GetProperty("orderId").GetString());
        Assert.Equal("alice", data.GetProperty("customerId").GetString());
        Assert.Equal("DHL", data.GetProperty("carrier").GetString());
        Assert.Equal("TRACK-1", data.GetProperty("trackingNumber").GetString());
        Assert.Equal(Later, data.GetProperty("at").GetDateTimeOffset());
        AssertFields(data, "orderId", "customerId", "carrier", "trackingNumber", "at");
    }

    [Fact]
    public void Order_cancelled_is_published_with_the_reason_but_not_who_cancelled()
    {
        var stored = Stored(OrderStream, 2, new OrderCancelled("changed my mind", "operator-7", Later));

        var mapped = IntegrationEventMapper.Map(stored, PlacedOrder)!;

        AssertEnvelope(mapped, stored, "CartOrders.OrderCancelled.v1", "orders/o1", Later);
        var data = DataOf(mapped);
        Assert.Equal("o1", data.GetProperty("orderId").GetString());
        Assert.Equal("alice", data.GetProperty("customerId").GetString());
        Assert.Equal("changed my mind", data.GetProperty("reason").GetString());
        Assert.Equal(Later, data.GetProperty("at").GetDateTimeOffset());
        AssertFields(data, "orderId", "customerId", "reason", "at");
        Assert.DoesNotContain("operator-7", JsonOf(mapped), StringComparison.Ordinal);
    }

    [Fact]
    public void Private_events_map_to_nothing()
    {
        IDomainEvent[] privateEvents =
        [
            new CartCreated("c1", "alice", "EUR"),
            new ItemAdded("apple", "Apple", 50, "EUR", 1),
            new ItemQuantityChanged("apple", 3),
            new ItemRemoved("apple"),
            new CollaboratorAdded("bob"),
            new CollaboratorRemoved("bob"),
        ];

        Assert.All(privateEvents, e => Assert.Null(IntegrationEventMapper.Map(Stored(CartStream, 1, e))));
    }

    [Fact]
    public void Only_checkout_and_the_order_lifecycle_are_public()
    {
        var publicTypes = EventSerializer.TypeNames.Where(IntegrationEventMapper.IsPublic).Order(StringComparer.Ordinal);

        Assert.Equal(
            ["CartAbandoned.v1", "CartCheckedOut.v2", "OrderCancelled.v1", "OrderPlaced.v2", "OrderShipped.v1", "PaymentAuthorized.v1", "PaymentRejected.v1"],
            publicTypes);
    }

    [Fact]
    public void Cloud_event_json_has_exactly_the_contract_attributes()
    {
        var mapped = IntegrationEventMapper.Map(Stored(CartStream, 4, CheckedOut))!;

        using var json = JsonDocument.Parse(mapped.ToJson());

        Assert.Equal(
            ["specversion", "id", "type", "source", "subject", "time", "datacontenttype", "data"],
            json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1.0", json.RootElement.GetProperty("specversion").GetString());
        Assert.Equal("/cartorders", json.RootElement.GetProperty("source").GetString());
        Assert.Equal("application/json", json.RootElement.GetProperty("datacontenttype").GetString());
        Assert.Equal(
            ["productId", "name", "unitPrice", "quantity", "lineTotal"],
            json.RootElement.GetProperty("data").GetProperty("items")[0].EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Shipping_address_and_internal_type_names_are_never_published()
    {
        string[] published =
        [
            JsonOf(IntegrationEventMapper.Map(Stored(CartStream, 4, CheckedOut))!),
            JsonOf(IntegrationEventMapper.Map(Stored(OrderStream, 1, Placed))!),
        ];

        Assert.All(published, json =>
        {
            Assert.DoesNotContain("shippingAddress", json, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(Address.Line1, json, StringComparison.Ordinal);
            Assert.DoesNotContain(Address.PostalCode, json, StringComparison.Ordinal);
            Assert.DoesNotContain("\"CartCheckedOut.v1\"", json, StringComparison.Ordinal);
            Assert.DoesNotContain("\"OrderPlaced.v1\"", json, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void The_same_stored_event_always_gets_the_same_id()
    {
        var stored = Stored(OrderStream, 1, Placed);

        Assert.Equal(IntegrationEventMapper.Map(stored)!.Id, IntegrationEventMapper.Map(stored)!.Id);
        Assert.Equal(stored.EventId.ToString("D"), IntegrationEventMapper.Map(stored)!.Id);
    }

    [Fact]
    public void Routing_carries_the_stream_and_the_command_correlation_id_outside_the_json()
    {
        var mapped = IntegrationEventMapper.Map(Stored(CartStream, 4, CheckedOut, correlationId: "corr-9"))!;

        Assert.Equal(CartStream, mapped.StreamId);
        Assert.Equal("corr-9", mapped.CorrelationId);
        Assert.DoesNotContain("corr-9", JsonOf(mapped), StringComparison.Ordinal);
        Assert.DoesNotContain(CartStream, JsonOf(mapped), StringComparison.Ordinal);
    }

    [Fact]
    public void Order_event_cannot_be_mapped_without_that_orders_state()
    {
        var stored = Stored(OrderStream, 3, new OrderShipped("DHL", "TRACK-1", Later));
        var otherOrder = PlacedOrder with { OrderId = "o2" };

        Assert.Throws<InvalidOperationException>(() => IntegrationEventMapper.Map(stored));
        Assert.Throws<InvalidOperationException>(() => IntegrationEventMapper.Map(stored, otherOrder));
    }

    private static void AssertEnvelope(IntegrationEvent mapped, Application.Ports.StoredEvent stored, string type, string subject, DateTimeOffset time)
    {
        using var json = JsonDocument.Parse(mapped.ToJson());
        var root = json.RootElement;
        Assert.Equal("1.0", root.GetProperty("specversion").GetString());
        Assert.Equal(stored.EventId.ToString("D"), root.GetProperty("id").GetString());
        Assert.Equal(type, root.GetProperty("type").GetString());
        Assert.Equal("/cartorders", root.GetProperty("source").GetString());
        Assert.Equal(subject, root.GetProperty("subject").GetString());
        Assert.Equal(time, root.GetProperty("time").GetDateTimeOffset());
        Assert.Equal("application/json", root.GetProperty("datacontenttype").GetString());
        Assert.Equal(stored.StreamId, mapped.StreamId);
    }

    private static void AssertItems(JsonElement data)
    {
        var items = data.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(2, items.Count);
        Assert.Equal("apple", items[0].GetProperty("productId").GetString());
        Assert.Equal("Apple", items[0].GetProperty("name").GetString());
        Assert.Equal(0.5m, items[0].GetProperty("unitPrice").GetDecimal());
        Assert.Equal(4, items[0].GetProperty("quantity").GetInt32());
        Assert.Equal(2m, items[0].GetProperty("lineTotal").GetDecimal());
        Assert.Equal("pear", items[1].GetProperty("productId").GetString());
        Assert.Equal(2.5m, items[1].GetProperty("lineTotal").GetDecimal());
    }

    private static void AssertFields(JsonElement data, params string[] names) =>
        Assert.Equal(names, data.EnumerateObject().Select(p => p.Name));

    private static JsonElement DataOf(IntegrationEvent mapped)
    {
        using var json = JsonDocument.Parse(mapped.ToJson());
        return json.RootElement.GetProperty("data").Clone();
    }

    private static string JsonOf(IntegrationEvent mapped) => System.Text.Encoding.UTF8.GetString(mapped.ToJson());
}
