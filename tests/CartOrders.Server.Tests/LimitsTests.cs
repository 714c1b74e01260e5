using System.Net;
using CartOrders.Server.Tests.Fixtures;
using static CartOrders.Server.Tests.Fixtures.ApiUser;

namespace CartOrders.Server.Tests;

/// <summary>What grows per user and per cart is bounded: each limit at n-1, n and n+1, with small configured values.</summary>
public sealed class LimitsTests : IAsyncLifetime
{
    private readonly ServerFactory _factory = new(new Dictionary<string, string?>
    {
        ["Limits:OpenCartsPerUser"] = "3",
        ["Limits:CollaboratorsPerCart"] = "2",
        ["Limits:EventsPerCart"] = "6",
    });

    public ValueTask InitializeAsync()
    {
        _ = _factory.Server;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task A_user_owns_at_most_the_configured_number_of_open_carts()
    {
        var alice = await ApiUser.CreateAsync(_factory, Users.Unique("alice"));
        var first = await alice.CreateCartAsync();
        await alice.CreateCartAsync();
        await WaitForListedAsync(alice, 2);
        await alice.CreateCartAsync();
        await WaitForListedAsync(alice, 3);

        using var refused = await alice.PostAsync("/api/carts");

        await refused.AssertProblemAsync(HttpStatusCode.Conflict, "too-many-open-carts");
        await alice.AddItemAsync(first);
        await alice.CheckOutAsync(first);
        await Eventually.TrueAsync(async () =>
        {
            using var again = await alice.PostAsync("/api/carts");
            return again.StatusCode == HttpStatusCode.Created;
        });
    }

    [Fact]
    public async Task Carts_shared_with_a_user_do_not_count_against_their_own_limit()
    {
        var alice = await ApiUser.CreateAsync(_factory, Users.Unique("alice"));
        var bob = await ApiUser.CreateAsync(_factory, Users.Unique("bob"));
        for (var i = 0; i < 3; i++)
        {
            await alice.InviteAsync(await alice.CreateCartAsync(), bob);
        }

        await WaitForListedAsync(bob, 3);

        using var created = await bob.PostAsync("/api/carts");
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task A_cart_takes_collaborators_up_to_the_limit_and_refuses_one_more()
    {
        var alice = await ApiUser.CreateAsync(_factory, Users.Unique("alice"));
        var cartId = await alice.CreateCartAsync();

        using var first = await alice.PostAsync($"/api/carts/{cartId}/collaborators", new { userId = "bob" });
        using var second = await alice.PostAsync($"/api/carts/{cartId}/collaborators", new { userId = "carol" });
        using var third = await alice.PostAsync($"/api/carts/{cartId}/collaborators", new { userId = "dave" });
        using var again = await alice.PostAsync($"/api/carts/{cartId}/collaborators", new { userId = "carol" });

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await third.AssertProblemAsync(HttpStatusCode.Conflict, "too-many-collaborators");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(3, again.ETag());
    }

    [Fact]
    public async Task A_cart_whose_history_is_one_short_of_the_limit_can_only_be_checked_out()
    {
        var alice = await ApiUser.CreateAsync(_factory, Users.Unique("alice"));
        var cartId = await alice.CreateCartAsync();
        for (var quantity = 1; quantity <= 4; quantity++)
        {
            using var set = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Espresso}", new { quantity });
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        using var full = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Espresso}", new { quantity = 9 });
        var problem = await full.AssertProblemAsync(HttpStatusCode.Conflict, "cart-history-full");
        Assert.Equal(5, full.ETag());
        using var checkout = await alice.PostAsync($"/api/carts/{cartId}/checkout", new { shippingAddress = Addresses.Valid });
        Assert.Equal(HttpStatusCode.Accepted, checkout.StatusCode);
        Assert.Equal(6, checkout.ETag());
        using var after = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Espresso}", new { quantity = 9 });
        await after.AssertProblemAsync(HttpStatusCode.Conflict, "cart-checked-out");
        Assert.Equal(6, (await alice.HistoryAsync(cartId)).Count);
        Assert.Contains("checked out", problem.GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    private static Task WaitForListedAsync(ApiUser user, int count) => Eventually.TrueAsync(async () =>
    {
        using var response = await user.GetAsync("/api/carts?limit=200");
        return (await response.JsonAsync()).GetProperty("items").GetArrayLength() >= count;
    });
}
