using CartOrders.Functions.Http;
using CartOrders.Functions.Tests.Support;
using static CartOrders.Functions.Tests.Support.Calls;

namespace CartOrders.Functions.Tests;

/// <summary>The lists' paging through the HTTP functions: the same limit, continuation, Link and problems as the local server.</summary>
public sealed class PagingFunctionTests
{
    [Fact]
    public async Task A_history_is_paged_through_its_continuation_and_the_token_serves_its_caller_only()
    {
        await using var app = FunctionsApp.Start();
        var alice = app.Tokens.For(Unique("alice"));
        var mallory = app.Tokens.For(Unique("mallory"));
        var cartId = await app.CreateCartAsync(alice);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(200, (await app.AddItemAsync(alice, cartId)).Status);
        }

        var versions = new List<long>();
        var path = $"/api/carts/{cartId}/events?limit=2";
        string? token = null;
        for (var pages = 0; path is not null && pages < 10; pages++)
        {
            var page = await app.CallAsync(nameof(CartFunctions.GetCartEvents), HttpMethod.Get, path, r => CartFunctions.GetCartEvents(r, cartId), alice);
            Assert.Equal(200, page.Status);
            var body = page.Json();
            versions.AddRange(body.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("version").GetInt64()));
            var link = page.Headers.Link.ToString();
            path = link.Length == 0 ? null : link[1..link.IndexOf('>', StringComparison.Ordinal)];
            token ??= body.TryGetProperty("continuation", out var issued) ? issued.GetString() : null;
        }

        Assert.Equal([1L, 2L, 3L, 4L, 5L], versions);
        var foreign = await app.CallAsync(
            nameof(CartFunctions.ListCarts), HttpMethod.Get, "/api/carts?continuation=" + Uri.EscapeDataString(token!), CartFunctions.ListCarts, mallory);
        Assert.Equal((400, "invalid-continuation"), (foreign.Status, foreign.ProblemCode()));
        var badLimit = await app.CallAsync(nameof(CartFunctions.ListCarts), HttpMethod.Get, "/api/carts?limit=201", CartFunctions.ListCarts, alice);
        Assert.Equal((400, "validation-failed"), (badLimit.Status, badLimit.ProblemCode()));
    }
}
