using CartOrders.Functions.Http;
using CartOrders.Functions.Tests.Support;
using static CartOrders.Functions.Tests.Support.Calls;

namespace CartOrders.Functions.Tests;

/// <summary>GET /api/admin/orders?status= through its HTTP function: the local server's contract, on either store.</summary>
public class OperatorOrdersFunctionTests
{
    protected virtual TestStore Store => TestStore.Sqlite;

    [Fact]
    public async Task An_operator_pages_through_every_customers_orders_of_one_status_oldest_first()
    {
        await using var app = await FunctionsApp.StartAsync(Store);
        var alice = app.Tokens.For(Unique("alice"));
        var bob = app.Tokens.For(Unique("bob"));
        var olga = app.Tokens.For(Unique("olga"), roles: ["operator"]);
        var placed = new List<string>();
        foreach (var customer in new[] { alice, bob, alice })
        {
            var cartId = await app.CreateCartAsync(customer);
            await app.AddItemAsync(customer, cartId);
            placed.Add(await app.CheckOutAsync(customer, cartId));
            await app.TickAsync();
        }

        var paid = placed[1];
        await app.TickAsync();
        var payment = await app.CallAsync(
            nameof(OrderFunctions.RecordPayment), HttpMethod.Post, $"/api/orders/{paid}/payment", r => OrderFunctions.RecordPayment(r, paid), olga, new { approved = true, reference = "psp-1" });
        Assert.Equal(200, payment.Status);
        for (var ticks = 0; ticks < 5 && !(await ListAllAsync(app, olga, "paymentAuthorized")).Contains(paid); ticks++)
        {
            await app.TickAsync();
        }

        var waiting = await ListAllAsync(app, olga, "placed", limit: 1);
        var authorized = await ListAllAsync(app, olga, "paymentAuthorized");

        Assert.Equal([placed[0], placed[2]], waiting);
        Assert.Equal([paid], authorized);
    }

    [Fact]
    public async Task Only_operators_list_every_order_and_the_status_is_required()
    {
        await using var app = await FunctionsApp.StartAsync(Store);
        var alice = app.Tokens.For(Unique("alice"));
        var olga = app.Tokens.For(Unique("olga"), roles: ["operator"]);

        var customer = await ListAsync(app, alice, "/api/admin/orders?status=placed");
        var missing = await ListAsync(app, olga, "/api/admin/orders");
        var unknown = await ListAsync(app, olga, "/api/admin/orders?status=lost");
        var badLimit = await ListAsync(app, olga, "/api/admin/orders?status=placed&limit=0");
        var anonymous = await ListAsync(app, null, "/api/admin/orders?status=placed");
        var empty = await ListAsync(app, olga, "/api/admin/orders?status=shipped");

        Assert.Equal((403, "operator-only"), (customer.Status, customer.ProblemCode()));
        Assert.Equal((400, "validation-failed"), (missing.Status, missing.ProblemCode()));
        Assert.True(missing.Json().GetProperty("errors").TryGetProperty("status", out _));
        Assert.Equal((400, "validation-failed"), (unknown.Status, unknown.ProblemCode()));
        Assert.Equal((400, "validation-failed"), (badLimit.Status, badLimit.ProblemCode()));
        Assert.Equal((401, "unauthorized"), (anonymous.Status, anonymous.ProblemCode()));
        Assert.Equal((200, "[]"), (empty.Status, empty.Text));
    }

    private static Task<TestResponse> ListAsync(FunctionsApp app, string? token, string path) =>
        app.CallAsync(nameof(OrderFunctions.ListOrdersByStatus), HttpMethod.Get, path, OrderFunctions.ListOrdersByStatus, token);

    /// <summary>Every page of one status, following the Link header (a Cosmos page may hold fewer than asked).</summary>
    private static async Task<List<string>> ListAllAsync(FunctionsApp app, string token, string status, int limit = 50)
    {
        var ids = new List<string>();
        string? path = $"/api/admin/orders?status={status}&limit={limit}";
        for (var pages = 0; path is not null; pages++)
        {
            Assert.True(pages < 100, "paging does not end");
            var page = await ListAsync(app, token, path);
            Assert.Equal(200, page.Status);
            var items = page.Json().GetProperty("items");
            Assert.InRange(items.GetArrayLength(), 0, limit);
            ids.AddRange(items.EnumerateArray().Select(o => o.GetProperty("orderId").GetString()!));
            var link = page.Headers.Link.ToString();
            path = link.Length == 0 ? null : link[1..link.IndexOf('>', StringComparison.Ordinal)];
        }

        return ids;
    }
}

public sealed class OperatorOrdersOnCosmosFunctionTests : OperatorOrdersFunctionTests
{
    protected override TestStore Store => TestStore.Cosmos;
}
