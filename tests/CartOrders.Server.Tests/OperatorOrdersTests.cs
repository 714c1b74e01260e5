using System.Net;
using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Server.Tests;

/// <summary>GET /api/admin/orders?status=: every order in one status, oldest change first, paged, for operators only.</summary>
public sealed class OperatorOrdersTests(ServerFixture server)
{
    [Fact]
    public async Task An_operator_pages_through_every_customers_orders_of_one_status()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var ops = await server.UserAsync("ops", "operator");
        var placed = new[] { await alice.PlacedOrderAsync(), await bob.PlacedOrderAsync(), await alice.PlacedOrderAsync() };
        var paid = await bob.PlacedOrderAsync();
        using var payment = await ops.PostAsync($"/api/orders/{paid}/payment", new { approved = true, reference = "psp-9" });
        Assert.Equal(HttpStatusCode.OK, payment.StatusCode);

        var seen = new List<string>();
        await Eventually.TrueAsync(async () =>
        {
            seen = await ListAllAsync(ops, "/api/admin/orders?status=placed&limit=1");
            return placed.All(seen.Contains);
        });
        var authorized = await ListAllAsync(ops, "/api/admin/orders?status=paymentAuthorized&limit=200");

        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(placed, seen.Where(placed.Contains));
        Assert.DoesNotContain(paid, seen);
        Assert.Contains(paid, authorized);
    }

    [Fact]
    public async Task Only_operators_list_every_order_and_the_status_is_required()
    {
        var alice = await server.UserAsync("alice");
        var ops = await server.UserAsync("ops", "operator");

        using var customer = await alice.GetAsync("/api/admin/orders?status=placed");
        using var missing = await ops.GetAsync("/api/admin/orders");
        using var unknown = await ops.GetAsync("/api/admin/orders?status=lost");
        using var anonymous = await server.Anonymous().GetAsync("/api/admin/orders?status=placed", TestContext.Current.CancellationToken);

        await customer.AssertProblemAsync(HttpStatusCode.Forbidden, "operator-only");
        (await missing.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed")).GetProperty("errors").GetProperty("status");
        var problem = await unknown.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Equal("status must name one order status.", problem.GetProperty("detail").GetString());
        Assert.Equal(
            "One of: placed, paymentAuthorized, shipped, rejected, cancelled.",
            Assert.Single(problem.GetProperty("errors").GetProperty("status").EnumerateArray()).GetString());
        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static async Task<List<string>> ListAllAsync(ApiUser user, string first)
    {
        var ids = new List<string>();
        string? path = first;
        for (var pages = 0; path is not null && pages < 1000; pages++)
        {
            using var response = await user.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            ids.AddRange((await response.JsonAsync()).GetProperty("items").EnumerateArray().Select(o => o.GetProperty("orderId").GetString()!));
            path = response.Headers.TryGetValues("Link", out var links) && links.Single() is var link ? link[1..link.IndexOf('>', StringComparison.Ordinal)] : null;
        }

        return ids;
    }
}
