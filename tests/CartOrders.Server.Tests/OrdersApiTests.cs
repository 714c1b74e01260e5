using System.Net;
using CartOrders.Server.Tests.Fixtures;
using static CartOrders.Server.Tests.Fixtures.ApiUser;

namespace CartOrders.Server.Tests;

public class OrdersApiTests(ServerFixture server)
{
    [Fact]
    public async Task An_order_is_placed_after_checkout_from_the_carts_lines_and_address()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 2);
        await alice.AddItemAsync(cartId, Filter, 1);

        var orderId = await alice.CheckOutAsync(cartId);

        using var response = await alice.GetAsync($"/api/orders/{orderId}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, response.ETag());
        var order = await response.JsonAsync();
        Assert.Equal(orderId, order.GetProperty("orderId").GetString());
        Assert.Equal(cartId, order.GetProperty("cartId").GetString());
        Assert.Equal(alice.UserId, order.GetProperty("customerId").GetString());
        Assert.Equal("placed", order.GetProperty("status").GetString());
        Assert.Equal(2, order.GetProperty("items").GetArrayLength());
        Assert.Equal(2 * 7.9m + 6.2m, order.GetProperty("total").GetDecimal());
        Assert.Equal("EUR", order.GetProperty("currency").GetString());
        Assert.Equal("Lyon", order.GetProperty("shippingAddress").GetProperty("city").GetString());
        Assert.Equal("69001", order.GetProperty("shippingAddress").GetProperty("postalCode").GetString());
        Assert.Equal(["placed"], order.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
        Assert.Equal(1, order.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task The_customer_lists_their_orders_once_projected()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var orderId = await alice.PlacedOrderAsync();
        await bob.PlacedOrderAsync();

        await Eventually.TrueAsync(async () =>
        {
            using var response = await alice.GetAsync("/api/orders");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var ids = (await response.JsonAsync()).EnumerateArray().Select(o => o.GetProperty("orderId").GetString()).ToList();
            return ids.SequenceEqual([orderId]);
        });
    }

    [Fact]
    public async Task An_operator_authorizes_payment_and_then_ships()
    {
        var alice = await server.UserAsync("alice");
        var operatorUser = await server.UserAsync("ops", "operator");
        var orderId = await alice.PlacedOrderAsync();

        using var paid = await operatorUser.PostAsync($"/api/orders/{orderId}/payment", new { approved = true, reference = "psp-123" });
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Equal(2, paid.ETag());
        Assert.Equal("paymentAuthorized", (await paid.JsonAsync()).GetProperty("status").GetString());

        using var shipped = await operatorUser.PostAsync($"/api/orders/{orderId}/shipment", new { carrier = "DHL", trackingNumber = "JD0001" });
        Assert.Equal(HttpStatusCode.OK, shipped.StatusCode);
        var order = await shipped.JsonAsync();
        Assert.Equal("shipped", order.GetProperty("status").GetString());
        Assert.Equal(["placed", "paymentAuthorized", "shipped"], order.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("status").GetString()));
        Assert.Equal(3, order.GetProperty("version").GetInt64());

        Assert.Equal(("psp-123", "DHL", "JD0001"), (order.GetProperty("paymentReference").GetString(), order.GetProperty("carrier").GetString(), order.GetProperty("trackingNumber").GetString()));
        Assert.False(order.TryGetProperty("cancellationReason", out _));

        using var read = await alice.GetAsync($"/api/orders/{orderId}");
        var seen = await read.JsonAsync();
        Assert.Equal("shipped", seen.GetProperty("status").GetString());
        Assert.Equal("JD0001", seen.GetProperty("trackingNumber").GetString());
    }

    [Fact]
    public async Task A_declined_payment_rejects_the_order()
    {
        var alice = await server.UserAsync("alice");
        var operatorUser = await server.UserAsync("ops", "operator");
        var orderId = await alice.PlacedOrderAsync();

        using var response = await operatorUser.PostAsync($"/api/orders/{orderId}/payment", new { approved = false, reference = "psp-declined" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("rejected", (await response.JsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_customer_cancels_a_placed_order()
    {
        var alice = await server.UserAsync("alice");
        var orderId = await alice.PlacedOrderAsync();

        using var response = await alice.PostAsync($"/api/orders/{orderId}/cancel", new { reason = "Changed my mind" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var order = await response.JsonAsync();
        Assert.Equal("cancelled", order.GetProperty("status").GetString());
        Assert.Equal("Changed my mind", order.GetProperty("cancellationReason").GetString());
        Assert.False(order.TryGetProperty("paymentReference", out _));
    }

    [Fact]
    public async Task An_operator_cancels_a_paid_order()
    {
        var alice = await server.UserAsync("alice");
        var operatorUser = await server.UserAsync("ops", "operator");
        var orderId = await alice.PlacedOrderAsync();
        using (var paid = await operatorUser.PostAsync($"/api/orders/{orderId}/payment", new { approved = true, reference = "psp-1" }))
        {
            Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        }

        using var response = await operatorUser.PostAsync($"/api/orders/{orderId}/cancel", new { reason = "Out of stock" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("cancelled", (await response.JsonAsync()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Reading_an_order_at_a_time_shows_it_as_it_was_then()
    {
        var alice = await server.UserAsync("alice");
        var operatorUser = await server.UserAsync("ops", "operator");
        var orderId = await alice.PlacedOrderAsync();
        using (var placed = await alice.GetAsync($"/api/orders/{orderId}"))
        {
            var placedAt = (await placed.JsonAsync()).GetProperty("history")[0].GetProperty("at").GetDateTimeOffset();
            using (var paid = await operatorUser.PostAsync($"/api/orders/{orderId}/payment", new { approved = true, reference = "psp-1" }))
            {
                Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
            }

            using var response = await alice.GetAsync($"/api/orders/{orderId}?at={Uri.EscapeDataString(placedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var order = await response.JsonAsync();
            var paidAt = (await (await alice.GetAsync($"/api/orders/{orderId}")).JsonAsync()).GetProperty("history")[1].GetProperty("at").GetDateTimeOffset();
            var expected = paidAt <= placedAt ? 2 : 1;
            Assert.Equal(expected, order.GetProperty("version").GetInt64());
            Assert.Equal(expected, response.ETag());
            Assert.Equal(expected == 1 ? "placed" : "paymentAuthorized", order.GetProperty("status").GetString());
        }

        using var now = await alice.GetAsync($"/api/orders/{orderId}?at=2999-01-01T00:00:00%2B01:00");
        Assert.Equal("paymentAuthorized", (await now.JsonAsync()).GetProperty("status").GetString());
        using var before = await alice.GetAsync($"/api/orders/{orderId}?at=2001-01-01T00:00:00Z");
        await before.AssertProblemAsync(HttpStatusCode.NotFound, "version-not-found");
        using var bad = await alice.GetAsync($"/api/orders/{orderId}?at=soon");
        await bad.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
    }

    [Fact]
    public async Task A_version_past_the_orders_own_is_404_naming_the_order_and_its_version()
    {
        var alice = await server.UserAsync("alice");
        var orderId = await alice.PlacedOrderAsync();

        using var response = await alice.GetAsync($"/api/orders/{orderId}?atVersion=9");

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound, "version-not-found");
        Assert.Equal("The order is at version 1.", problem.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("cancel")]
    [InlineData("payment")]
    [InlineData("shipment")]
    public async Task An_order_command_without_a_body_is_400_malformed_json_and_changes_nothing(string command)
    {
        var alice = await server.UserAsync("alice");
        var ops = await server.UserAsync("ops", "operator");
        var orderId = await alice.PlacedOrderAsync();

        using var response = await ops.PostAsync($"/api/orders/{orderId}/{command}");

        await response.AssertBodyRequiredAsync();
        using var order = await ops.GetAsync($"/api/orders/{orderId}");
        Assert.Equal(1, order.ETag());
    }

    [Fact]
    public async Task An_operator_reads_any_order()
    {
        var alice = await server.UserAsync("alice");
        var operatorUser = await server.UserAsync("ops", "operator");
        var orderId = await alice.PlacedOrderAsync();

        using var response = await operatorUser.GetAsync($"/api/orders/{orderId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_shipped_order_is_409_invalid_order_transition()
    {
        var alice = await server.UserAsync("alice");
        var operatorUser = await server.UserAsync("ops", "operator");
        var orderId = await alice.PlacedOrderAsync();
        (await operatorUser.PostAsync($"/api/orders/{orderId}/payment", new { approved = true, reference = "r" })).Dispose();
        (await operatorUser.PostAsync($"/api/orders/{orderId}/shipment", new { carrier = "c", trackingNumber = "t" })).Dispose();

        using var response = await alice.PostAsync($"/api/orders/{orderId}/cancel", new { reason = "too late" });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "invalid-order-transition");
        Assert.Equal(3, response.ETag());
    }

    [Fact]
    public async Task Shipping_an_unpaid_order_is_409_invalid_order_transition()
    {
        var alice = await server.UserAsync("alice");
        var operatorUser = await server.UserAsync("ops", "operator");
        var orderId = await alice.PlacedOrderAsync();

        using var response = await operatorUser.PostAsync($"/api/orders/{orderId}/shipment", new { carrier = "c", trackingNumber = "t" });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "invalid-order-transition");
    }

    [Fact]
    public async Task Paying_twice_is_409_invalid_order_transition()
    {
        var alice = await server.UserAsync("alice");
        var operatorUser = await server.UserAsync("ops", "operator");
        var orderId = await alice.PlacedOrderAsync();
        (await operatorUser.PostAsync($"/api/orders/{orderId}/payment", new { approved = true, reference = "r" })).Dispose();

        using var response = await operatorUser.PostAsync($"/api/orders/{orderId}/payment", new { approved = true, reference = "r" });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "invalid-order-transition");
    }

    [Theory]
    [InlineData("/payment")]
    [InlineData("/shipment")]
    public async Task The_customer_recording_payment_or_shipment_gets_403_operator_only(string path)
    {
        var alice = await server.UserAsync("alice");
        var orderId = await alice.PlacedOrderAsync();

        using var response = await alice.PostAsync($"/api/orders/{orderId}{path}", BodyFor(path));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "operator-only");
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("POST", "/cancel")]
    [InlineData("POST", "/payment")]
    [InlineData("POST", "/shipment")]
    public async Task A_stranger_gets_404_order_not_found_and_no_version(string method, string path)
    {
        var alice = await server.UserAsync("alice");
        var mallory = await server.UserAsync("mallory");
        var orderId = await alice.PlacedOrderAsync();

        using var response = await mallory.SendAsync(new HttpMethod(method), $"/api/orders/{orderId}{path}", BodyFor(path));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "order-not-found");
        Assert.Null(response.Headers.ETag);
    }

    [Theory]
    [InlineData("GET", "")]
    [InlineData("POST", "/cancel")]
    [InlineData("POST", "/payment")]
    [InlineData("POST", "/shipment")]
    public async Task A_missing_order_is_404_order_not_found_even_for_an_operator(string method, string path)
    {
        var operatorUser = await server.UserAsync("ops", "operator");

        using var response = await operatorUser.SendAsync(new HttpMethod(method), $"/api/orders/no-such-order{path}", BodyFor(path));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "order-not-found");
    }

    private static object? BodyFor(string path) => path switch
    {
        "/cancel" => new { reason = "no longer needed" },
        "/payment" => new { approved = true, reference = "psp-1" },
        "/shipment" => new { carrier = "DHL", trackingNumber = "T1" },
        _ => null,
    };
}
