using System.Net;
using System.Text.Json;
using CartOrders.Server.Tests.Fixtures;
using static CartOrders.Server.Tests.Fixtures.ApiUser;

namespace CartOrders.Server.Tests;

public class RealtimeTests(ServerFixture server)
{
    [Fact]
    public async Task Two_members_each_receive_the_others_changes_with_increasing_versions()
    {
        await using var shared = await SharedCartAsync();
        var (alice, bob, cartId, aliceHub, bobHub) = shared;

        var afterAlice = await alice.AddItemAsync(cartId, Espresso, 2);
        await bobHub.WaitForCartVersionAsync(cartId, afterAlice.GetProperty("version").GetInt64());
        var afterBob = await bob.AddItemAsync(cartId, Filter, 1);
        await aliceHub.WaitForCartVersionAsync(cartId, afterBob.GetProperty("version").GetInt64());
        using (var changed = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Filter}", new { quantity = 5 }))
        {
            Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        }

        await bobHub.WaitForCartVersionAsync(cartId, 5);
        await aliceHub.WaitForCartVersionAsync(cartId, 5);
        Assert.Contains(bobHub.CartUpdates(cartId), v => v.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("productId").GetString() == Espresso));
        Assert.Contains(aliceHub.CartUpdates(cartId), v => v.GetProperty("items").EnumerateArray().Any(i => i.GetProperty("productId").GetString() == Filter));
        foreach (var hub in new[] { aliceHub, bobHub })
        {
            var versions = hub.CartUpdates(cartId).Select(v => v.GetProperty("version").GetInt64()).ToList();
            Assert.Equal(versions.Order().Distinct(), versions);
            var last = hub.CartUpdates(cartId)[^1];
            Assert.Equal(5, last.GetProperty("version").GetInt64());
            Assert.Equal(7, last.GetProperty("itemCount").GetInt32());
        }
    }

    [Fact]
    public async Task Each_cartUpdated_says_who_made_the_change_and_what_it_was_next_to_the_unchanged_cart_view()
    {
        await using var shared = await SharedCartAsync();
        var (alice, bob, cartId, aliceHub, bobHub) = shared;

        var added = (await alice.AddItemAsync(cartId, Espresso, 2)).GetProperty("version").GetInt64();
        await bobHub.WaitForCartVersionAsync(cartId, added);
        using var changed = await bob.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Espresso}", new { quantity = 4 });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var set = (await changed.JsonAsync()).GetProperty("version").GetInt64();

        await aliceHub.WaitForCartVersionAsync(cartId, set);
        var byAlice = Assert.Single(bobHub.CartUpdates(cartId), v => v.GetProperty("version").GetInt64() == added);
        Assert.Equal(alice.UserId, byAlice.GetProperty("changedBy").GetString());
        Assert.Equal($$"""{"type":"itemAdded","productId":"{{Espresso}}","quantity":2}""", byAlice.GetProperty("change").GetRawText());
        var byBob = Assert.Single(aliceHub.CartUpdates(cartId), v => v.GetProperty("version").GetInt64() == set);
        Assert.Equal(bob.UserId, byBob.GetProperty("changedBy").GetString());
        Assert.Equal($$"""{"type":"itemQuantityChanged","productId":"{{Espresso}}","quantity":4}""", byBob.GetProperty("change").GetRawText());

        // The CartView's own fields are all still there for clients that know only them.
        using var read = await alice.GetAsync($"/api/carts/{cartId}");
        var cart = await read.JsonAsync();
        Assert.Equal(set, cart.GetProperty("version").GetInt64());
        foreach (var property in cart.EnumerateObject())
        {
            Assert.True(
                JsonElement.DeepEquals(property.Value, byBob.GetProperty(property.Name)),
                $"cartUpdated's {property.Name} is the view's: {byBob.GetProperty(property.Name)} vs {property.Value}");
        }
    }

    [Fact]
    public async Task A_removed_collaborator_stops_receiving_the_carts_pushes()
    {
        await using var shared = await SharedCartAsync();
        var (alice, bob, cartId, aliceHub, bobHub) = shared;
        await alice.AddItemAsync(cartId, Espresso, 1);
        await bobHub.WaitForCartVersionAsync(cartId, 3);

        using (var removed = await alice.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/collaborators/{bob.UserId}"))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }

        await alice.AddItemAsync(cartId, Filter, 1);
        await aliceHub.WaitForCartVersionAsync(cartId, 5);

        // A push on bob's own cart after the change: his connection delivers in order, so once the
        // sentinel arrives, a push of the change to him would have arrived before it.
        var sentinel = await bob.CreateCartAsync();
        await SubscribeAsync(bobHub, sentinel);
        await bob.AddItemAsync(sentinel);
        await bobHub.WaitForCartVersionAsync(sentinel, 2);
        Assert.DoesNotContain(bobHub.CartUpdates(cartId), v => v.GetProperty("version").GetInt64() >= 5);
        using var again = await bobHub.SubscribeAsync(cartId);
        await again.AssertProblemAsync(HttpStatusCode.NotFound, "cart-not-found");
    }

    [Fact]
    public async Task Subscribing_someone_elses_connection_is_404_connection_not_found()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var cartId = await alice.CreateCartAsync();
        await alice.InviteAsync(cartId, bob);
        await using var aliceHub = await ConnectAsync(alice);

        using var response = await bob.PostAsync($"/api/carts/{cartId}/subscriptions", new { connectionId = aliceHub.ConnectionId });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "connection-not-found");
    }

    [Fact]
    public async Task Subscribing_a_connection_that_does_not_exist_is_404_connection_not_found()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/subscriptions", new { connectionId = "no-such-connection" });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "connection-not-found");
    }

    [Fact]
    public async Task Subscribing_to_a_cart_one_is_not_a_member_of_is_404_cart_not_found()
    {
        var alice = await server.UserAsync("alice");
        var mallory = await server.UserAsync("mallory");
        var cartId = await alice.CreateCartAsync();
        await using var malloryHub = await ConnectAsync(mallory);

        using var response = await malloryHub.SubscribeAsync(cartId);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "cart-not-found");
    }

    [Fact]
    public async Task Order_updates_reach_the_customer_after_checkout_without_a_subscription()
    {
        var alice = await server.UserAsync("alice");
        var operatorUser = await server.UserAsync("ops", "operator");
        await using var aliceHub = await ConnectAsync(alice);
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 1);

        using var checkout = await alice.PostAsync($"/api/carts/{cartId}/checkout", new { shippingAddress = Addresses.Valid });
        var orderId = (await checkout.JsonAsync()).GetProperty("orderId").GetString()!;

        await aliceHub.WaitForOrderStatusAsync(orderId, "placed");
        using (var paid = await operatorUser.PostAsync($"/api/orders/{orderId}/payment", new { approved = true, reference = "psp-1" }))
        {
            Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        }

        await aliceHub.WaitForOrderStatusAsync(orderId, "paymentAuthorized");
        var last = aliceHub.OrderUpdates(orderId)[^1];
        Assert.Equal(alice.UserId, last.GetProperty("customerId").GetString());
        Assert.Equal(2, last.GetProperty("version").GetInt64());
    }

    private Task<HubListener> ConnectAsync(ApiUser user) => HubListener.ConnectAsync(server.Factory.Server, user);

    /// <summary>Alice's cart with Bob invited, both listening to it on their own connection.</summary>
    private async Task<SharedCart> SharedCartAsync()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var cartId = await alice.CreateCartAsync();
        await alice.InviteAsync(cartId, bob);
        var aliceHub = await ConnectAsync(alice);
        var bobHub = await ConnectAsync(bob);
        var shared = new SharedCart(alice, bob, cartId, aliceHub, bobHub);
        await SubscribeAsync(aliceHub, cartId);
        await SubscribeAsync(bobHub, cartId);
        return shared;
    }

    private sealed record SharedCart(ApiUser Alice, ApiUser Bob, string CartId, HubListener AliceHub, HubListener BobHub) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await AliceHub.DisposeAsync();
            await BobHub.DisposeAsync();
        }
    }

    private static async Task SubscribeAsync(HubListener hub, string cartId)
    {
        using var response = await hub.SubscribeAsync(cartId);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }
}
