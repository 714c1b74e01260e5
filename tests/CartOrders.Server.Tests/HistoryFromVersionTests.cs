using System.Net;
using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Server.Tests;

/// <summary><c>GET /api/carts/{cartId}/events?fromVersion=N</c>: the history from a version on, for clients catching up.</summary>
public sealed class HistoryFromVersionTests(ServerFixture server)
{
    [Fact]
    public async Task The_history_from_a_version_holds_only_the_events_from_it_on()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, ApiUser.Espresso, 1);
        await alice.AddItemAsync(cartId, ApiUser.Espresso, 2);

        using var response = await alice.GetAsync($"/api/carts/{cartId}/events?fromVersion=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, response.ETag());
        var events = (await response.JsonAsync()).EnumerateArray().ToList();
        Assert.Equal([2L, 3L], events.Select(e => e.GetProperty("version").GetInt64()));
        Assert.All(events, e => Assert.Equal(alice.UserId, e.GetProperty("userId").GetString()));
    }

    [Fact]
    public async Task A_version_past_the_end_is_an_empty_page_and_paging_goes_on_from_where_it_started()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        for (var i = 1; i <= 3; i++)
        {
            await alice.AddItemAsync(cartId, ApiUser.Espresso, 1);
        }

        using var past = await alice.GetAsync($"/api/carts/{cartId}/events?fromVersion=9");
        using var first = await alice.GetAsync($"/api/carts/{cartId}/events?fromVersion=2&limit=2");
        var page = await first.JsonAsync();
        using var second = await alice.GetAsync($"/api/carts/{cartId}/events?fromVersion=2&limit=2&continuation={Uri.EscapeDataString(page.GetProperty("continuation").GetString()!)}");

        Assert.Equal(0, (await past.JsonAsync()).GetArrayLength());
        Assert.Equal([2L, 3L], page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal([4L], (await second.JsonAsync()).GetProperty("items").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("")]
    [InlineData("1&fromVersion=2")]
    public async Task A_from_version_that_is_not_one_positive_integer_is_refused(string value)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.GetAsync($"/api/carts/{cartId}/events?fromVersion={value}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("fromVersion", out _));
    }

    [Fact]
    public async Task A_stranger_gets_cart_not_found_whatever_the_version()
    {
        var alice = await server.UserAsync("alice");
        var mallory = await server.UserAsync("mallory");
        var cartId = await alice.CreateCartAsync();

        using var response = await mallory.GetAsync($"/api/carts/{cartId}/events?fromVersion=1");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "cart-not-found");
    }
}
