using System.Net;
using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Server.Tests;

public class ConcurrencyTests(ServerFixture server)
{
    [Fact]
    public async Task Twenty_clients_adding_ten_items_each_in_parallel_all_succeed_and_lose_no_update()
    {
        const int clients = 20;
        const int addsEach = 10;
        var owner = await server.UserAsync("owner");
        var cartId = await owner.CreateCartAsync();
        var users = new List<ApiUser> { owner };
        for (var i = 1; i < clients; i++)
        {
            var collaborator = await server.UserAsync("collab" + i);
            await owner.InviteAsync(cartId, collaborator);
            users.Add(collaborator);
        }

        using var catalog = await owner.GetAsync("/api/products");
        var products = (await catalog.JsonAsync()).EnumerateArray().Select(p => p.GetProperty("productId").GetString()!).Take(clients).ToList();
        var startVersion = 1 + (clients - 1);

        var responses = await Task.WhenAll(users.SelectMany((user, i) => Enumerable.Range(0, addsEach).Select(async _ =>
        {
            using var response = await user.PostAsync($"/api/carts/{cartId}/items", new { productId = products[i], quantity = 1 });
            return (response.StatusCode, Version: response.Headers.ETag is null ? -1 : response.ETag());
        })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(Enumerable.Range(startVersion + 1, clients * addsEach).Select(v => (long)v), responses.Select(r => r.Version).Order());
        using var cartResponse = await owner.GetAsync($"/api/carts/{cartId}");
        var cart = await cartResponse.JsonAsync();
        Assert.Equal(clients * addsEach, cart.GetProperty("itemCount").GetInt32());
        Assert.All(cart.GetProperty("items").EnumerateArray(), line => Assert.Equal(addsEach, line.GetProperty("quantity").GetInt32()));
        Assert.Equal(startVersion + (clients * addsEach), cart.GetProperty("version").GetInt64());
        var versions = (await owner.HistoryAsync(cartId)).Select(e => e.GetProperty("version").GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, startVersion + (clients * addsEach)).Select(v => (long)v), versions);
    }
}
