using System.Net;
using CartOrders.Server.Tests.Fixtures;
using static CartOrders.Server.Tests.Fixtures.ApiUser;

namespace CartOrders.Server.Tests;

public class ConditionalRequestTests(ServerFixture server)
{
    [Fact]
    public async Task A_command_with_the_current_version_in_if_match_succeeds()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", new { productId = Espresso, quantity = 1 }, ifMatch: "\"1\"");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, response.ETag());
    }

    [Fact]
    public async Task A_command_with_a_stale_if_match_is_412_version_mismatch_with_the_current_etag()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var cartId = await alice.CreateCartAsync();
        await alice.InviteAsync(cartId, bob);
        await bob.AddItemAsync(cartId, Filter, 1);

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", new { productId = Espresso, quantity = 1 }, ifMatch: "\"2\"");

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "version-mismatch");
        Assert.Equal(3, response.ETag());
        using var events = await alice.GetAsync($"/api/carts/{cartId}/events");
        Assert.Equal(3, (await events.JsonAsync()).GetArrayLength());
    }

    [Fact]
    public async Task An_order_command_with_a_stale_if_match_is_412_version_mismatch()
    {
        var alice = await server.UserAsync("alice");
        var orderId = await alice.PlacedOrderAsync();

        using var response = await alice.PostAsync($"/api/orders/{orderId}/cancel", new { reason = "r" }, ifMatch: "\"0\"");

        await response.AssertProblemAsync(HttpStatusCode.PreconditionFailed, "version-mismatch");
        Assert.Equal(1, response.ETag());
    }

    [Fact]
    public async Task A_stranger_with_if_match_learns_nothing_404_cart_not_found()
    {
        var alice = await server.UserAsync("alice");
        var mallory = await server.UserAsync("mallory");
        var cartId = await alice.CreateCartAsync();

        using var response = await mallory.PostAsync($"/api/carts/{cartId}/items", new { productId = Espresso, quantity = 1 }, ifMatch: "\"7\"");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "cart-not-found");
        Assert.Null(response.Headers.ETag);
    }

    [Fact]
    public async Task Reads_carry_the_version_they_read_as_etag()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId);
        await alice.AddItemAsync(cartId);

        using var cart = await alice.GetAsync($"/api/carts/{cartId}");
        using var events = await alice.GetAsync($"/api/carts/{cartId}/events");

        Assert.Equal("\"3\"", cart.Headers.ETag?.Tag);
        Assert.Equal("\"3\"", events.Headers.ETag?.Tag);
    }
}
