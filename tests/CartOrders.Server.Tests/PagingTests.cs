using System.Net;
using System.Text.Json;
using CartOrders.Server.Tests.Fixtures;
using static CartOrders.Server.Tests.Fixtures.ApiUser;

namespace CartOrders.Server.Tests;

/// <summary>Every list is paged: ?limit= (1-200, default 50) and an opaque continuation, in the body and in Link.</summary>
public sealed class PagingTests(ServerFixture server)
{
    [Fact]
    public async Task A_list_without_paging_parameters_is_the_first_50_as_a_bare_array_with_a_link_to_the_rest()
    {
        var alice = await server.UserAsync("alice");
        var created = await CreateCartsAsync(alice, 55);

        using var response = await alice.GetAsync("/api/carts");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(JsonValueKind.Array, body.ValueKind);
        Assert.Equal(50, body.GetArrayLength());
        Assert.Equal(created.AsEnumerable().Reverse().Take(50), body.EnumerateArray().Select(c => c.GetProperty("cartId").GetString()));
        var next = NextLink(response);
        Assert.NotNull(next);
        Assert.StartsWith("/api/carts?limit=50&continuation=", next, StringComparison.Ordinal);

        using var rest = await alice.GetAsync(next);
        var page = await rest.JsonAsync();
        Assert.Equal(created.AsEnumerable().Reverse().Skip(50), page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("cartId").GetString()));
        Assert.False(page.TryGetProperty("continuation", out _));
        Assert.Null(NextLink(rest));
    }

    [Fact]
    public async Task Following_the_continuation_visits_every_cart_exactly_once_while_more_are_created_and_listed_ones_change()
    {
        var alice = await server.UserAsync("alice");
        var created = await CreateCartsAsync(alice, 23);

        var seen = new List<string>();
        string? continuation = null;
        var pages = 0;
        do
        {
            using var response = await alice.GetAsync("/api/carts?limit=5" + (continuation is null ? "" : "&continuation=" + Uri.EscapeDataString(continuation)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.JsonAsync();
            var items = page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("cartId").GetString()!).ToList();
            Assert.InRange(items.Count, 1, 5);
            seen.AddRange(items);
            continuation = page.TryGetProperty("continuation", out var token) ? token.GetString() : null;
            Assert.Equal(continuation is null, NextLink(response) is null);
            await alice.CreateCartAsync();

            // An edit moves no cart: not the oldest (not read yet), not the last one read.
            await alice.AddItemAsync(created[0]);
            await alice.AddItemAsync(items[^1]);
            pages++;
        }
        while (continuation is not null && pages < 50);

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(created.Order(), seen.Intersect(created).Order());
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("limit=-1")]
    [InlineData("limit=ten")]
    [InlineData("limit=1.5")]
    [InlineData("limit=")]
    [InlineData("limit=5&limit=6")]
    public async Task A_bad_limit_is_400_validation_failed(string query)
    {
        var alice = await server.UserAsync("alice");

        foreach (var path in new[] { "/api/carts", "/api/orders", "/api/carts/some-cart/events" })
        {
            using var response = await alice.GetAsync(path + "?" + query);

            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("limit", out _));
        }
    }

    [Fact]
    public async Task A_limit_of_200_is_served()
    {
        var alice = await server.UserAsync("alice");

        using var response = await alice.GetAsync("/api/carts?limit=200");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await response.JsonAsync()).GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task A_tampered_or_foreign_continuation_is_400_and_reads_nothing()
    {
        var alice = await server.UserAsync("alice");
        var mallory = await server.UserAsync("mallory");
        await CreateCartsAsync(alice, 3);
        using var first = await alice.GetAsync("/api/carts?limit=1");
        var token = (await first.JsonAsync()).GetProperty("continuation").GetString()!;
        var flipped = (token[10] == 'A' ? 'B' : 'A') + string.Empty;

        var attempts = new (ApiUser Who, string Path)[]
        {
            (alice, "/api/carts?continuation=" + token[..10] + flipped + token[11..]),
            (alice, "/api/carts?continuation=" + token[..^2]),
            (alice, "/api/carts?continuation=not-a-token"),
            (alice, "/api/carts?continuation="),
            (alice, "/api/carts?continuation=" + token + "&continuation=" + token),
            (alice, "/api/orders?continuation=" + token),
            (mallory, "/api/carts?continuation=" + token),
        };
        foreach (var (who, path) in attempts)
        {
            using var response = await who.GetAsync(path);

            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-continuation");
            Assert.False(problem.TryGetProperty("items", out _));
        }
    }

    [Fact]
    public async Task The_history_is_paged_by_version_oldest_first_with_the_current_version_as_etag()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        for (var quantity = 1; quantity <= 11; quantity++)
        {
            using var set = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Espresso}", new { quantity });
            Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        }

        var versions = new List<long>();
        var path = $"/api/carts/{cartId}/events?limit=5";
        for (var pages = 0; path is not null && pages < 10; pages++)
        {
            using var response = await alice.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(12, response.ETag());
            var page = await response.JsonAsync();
            versions.AddRange(page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
            path = NextLink(response);
        }

        Assert.Equal(Enumerable.Range(1, 12).Select(v => (long)v), versions);
    }

    [Fact]
    public async Task A_history_continuation_is_bound_to_its_cart()
    {
        var alice = await server.UserAsync("alice");
        var one = await alice.CreateCartAsync();
        var other = await alice.CreateCartAsync();
        await alice.AddItemAsync(one);
        using var first = await alice.GetAsync($"/api/carts/{one}/events?limit=1");
        var token = (await first.JsonAsync()).GetProperty("continuation").GetString()!;

        using var response = await alice.GetAsync($"/api/carts/{other}/events?continuation={token}");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-continuation");
    }

    private static async Task<List<string>> CreateCartsAsync(ApiUser user, int count)
    {
        var created = new List<string>();
        for (var i = 0; i < count; i++)
        {
            created.Add(await user.CreateCartAsync());
        }

        await Eventually.TrueAsync(async () =>
        {
            using var response = await user.GetAsync("/api/carts?limit=200");
            return (await response.JsonAsync()).GetProperty("items").GetArrayLength() >= count;
        });
        return created;
    }

    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var values))
        {
            return null;
        }

        var link = Assert.Single(values);
        Assert.EndsWith(">; rel=\"next\"", link, StringComparison.Ordinal);
        return link[1..link.IndexOf('>', StringComparison.Ordinal)];
    }
}
