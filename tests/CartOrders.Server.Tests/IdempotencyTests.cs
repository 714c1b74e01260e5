using System.Net;
using CartOrders.Server.Tests.Fixtures;
using static CartOrders.Server.Tests.Fixtures.ApiUser;

namespace CartOrders.Server.Tests;

public class IdempotencyTests(ServerFixture server)
{
    [Fact]
    public async Task A_replay_returns_the_first_status_body_and_etag_and_appends_nothing()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var first = await alice.PostAsync($"/api/carts/{cartId}/items", new { productId = Espresso, quantity = 2 }, idempotencyKey: "add-espresso");
        await alice.AddItemAsync(cartId, Filter, 1);
        using var replay = await alice.PostAsync($"/api/carts/{cartId}/items", new { productId = Espresso, quantity = 2 }, idempotencyKey: "add-espresso");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(first.StatusCode, replay.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await replay.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(2, replay.ETag());
        using var events = await alice.GetAsync($"/api/carts/{cartId}/events");
        Assert.Equal(3, (await events.JsonAsync()).GetArrayLength());
        using var cart = await alice.GetAsync($"/api/carts/{cartId}");
        Assert.Equal(3, (await cart.JsonAsync()).GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task Creating_a_cart_with_a_key_twice_answers_the_same_cart()
    {
        var alice = await server.UserAsync("alice");

        using var first = await alice.PostAsync("/api/carts", idempotencyKey: "new-cart-1");
        using var replay = await alice.PostAsync("/api/carts", idempotencyKey: "new-cart-1");

        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await replay.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var cartId = (await replay.JsonAsync()).GetProperty("cartId").GetString();
        using var events = await alice.GetAsync($"/api/carts/{cartId}/events");
        Assert.Equal(1, (await events.JsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task The_same_key_from_another_user_is_another_request()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");

        using var aliceCart = await alice.PostAsync("/api/carts", idempotencyKey: "shared-key");
        using var bobCart = await bob.PostAsync("/api/carts", idempotencyKey: "shared-key");

        Assert.Equal(HttpStatusCode.Created, bobCart.StatusCode);
        Assert.NotEqual((await aliceCart.JsonAsync()).GetProperty("cartId").GetString(), (await bobCart.JsonAsync()).GetProperty("cartId").GetString());
        Assert.Equal(bob.UserId, (await bobCart.JsonAsync()).GetProperty("ownerId").GetString());
    }

    [Fact]
    public async Task A_replayed_checkout_answers_the_same_order_and_places_it_once()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId);

        using var first = await alice.PostAsync($"/api/carts/{cartId}/checkout", new { shippingAddress = Addresses.Valid }, idempotencyKey: "checkout-1");
        using var replay = await alice.PostAsync($"/api/carts/{cartId}/checkout", new { shippingAddress = Addresses.Valid }, idempotencyKey: "checkout-1");

        Assert.Equal(HttpStatusCode.Accepted, replay.StatusCode);
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        var orderId = (await replay.JsonAsync()).GetProperty("orderId").GetString();
        Assert.Equal((await first.JsonAsync()).GetProperty("orderId").GetString(), orderId);
        await Eventually.TrueAsync(async () =>
        {
            using var order = await alice.GetAsync($"/api/orders/{orderId}");
            return order.StatusCode == HttpStatusCode.OK;
        });
        using var events = await alice.GetAsync($"/api/carts/{cartId}/events");
        Assert.Equal(3, (await events.JsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_body_is_422_idempotency_key_reused()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        using var first = await alice.PostAsync($"/api/carts/{cartId}/items", new { productId = Espresso, quantity = 2 }, idempotencyKey: "add-1");

        using var reused = await alice.PostAsync($"/api/carts/{cartId}/items", new { productId = Espresso, quantity = 3 }, idempotencyKey: "add-1");

        await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
        using var events = await alice.GetAsync($"/api/carts/{cartId}/events");
        Assert.Equal(2, (await events.JsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task Reusing_a_key_for_another_method_on_the_same_cart_is_422_idempotency_key_reused()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        using var first = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Espresso}", new { quantity = 2 }, idempotencyKey: "k");

        using var reused = await alice.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/items/{Espresso}", idempotencyKey: "k");

        await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");
    }

    [Fact]
    public async Task A_refused_command_is_replayed_as_the_same_problem_even_after_the_state_changed()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        using var refused = await alice.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/items/{Espresso}", idempotencyKey: "remove-1");
        await refused.AssertProblemAsync(HttpStatusCode.NotFound, "item-not-in-cart");
        await alice.AddItemAsync(cartId);

        using var replay = await alice.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/items/{Espresso}", idempotencyKey: "remove-1");

        await replay.AssertProblemAsync(HttpStatusCode.NotFound, "item-not-in-cart");
        using var cart = await alice.GetAsync($"/api/carts/{cartId}");
        Assert.Equal(1, (await cart.JsonAsync()).GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task Order_commands_replay_too()
    {
        var alice = await server.UserAsync("alice");
        var operatorUser = await server.UserAsync("ops", "operator");
        var orderId = await alice.PlacedOrderAsync();

        using var first = await operatorUser.PostAsync($"/api/orders/{orderId}/payment", new { approved = true, reference = "psp-9" }, idempotencyKey: "pay-1");
        using var replay = await operatorUser.PostAsync($"/api/orders/{orderId}/payment", new { approved = true, reference = "psp-9" }, idempotencyKey: "pay-1");

        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(2, replay.ETag());
        Assert.Equal(await first.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), await replay.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }
}
