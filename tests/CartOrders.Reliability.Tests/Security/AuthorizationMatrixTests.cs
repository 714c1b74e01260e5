using System.Net;
using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Reliability.Tests.Security;

/// <summary>
/// Who may call what: every endpoint of the contract for each kind of caller (anonymous, a
/// stranger, the cart's collaborator, its owner who is also the order's customer, an operator),
/// with the status and problem code each cell must get. Each cell runs on a fresh cart and order,
/// so a command that succeeds in one cell cannot change another.
/// </summary>
public sealed class AuthorizationMatrixTests(ServerFixture server)
{
    public const string Anonymous = "anonymous";
    public const string Stranger = "stranger";
    public const string Collaborator = "collaborator";
    public const string Owner = "owner";
    public const string Operator = "operator";

    private static readonly string[] s_callers = [Anonymous, Stranger, Collaborator, Owner, Operator];

    /// <summary>Per endpoint: what each caller gets, in the order anonymous, stranger, collaborator, owner, operator ("201", "404 cart-not-found").</summary>
    private static readonly (string Endpoint, string[] Cells)[] s_matrix =
    [
        ("GET /api/products", ["200", "200", "200", "200", "200"]),
        ("GET /api/health", ["200", "200", "200", "200", "200"]),
        ("POST /api/dev/tokens", ["200", "200", "200", "200", "200"]),
        ("GET /api/carts", ["401 unauthorized", "200", "200", "200", "200"]),
        ("POST /api/carts", ["401 unauthorized", "201", "201", "201", "201"]),
        ("GET /api/carts/{cartId}", ["401 unauthorized", "404 cart-not-found", "200", "200", "404 cart-not-found"]),
        ("GET /api/carts/{cartId}/events", ["401 unauthorized", "404 cart-not-found", "200", "200", "404 cart-not-found"]),
        ("PUT /api/carts/{cartId}/name", ["401 unauthorized", "404 cart-not-found", "403 owner-only", "200", "404 cart-not-found"]),
        ("POST /api/carts/{cartId}/items", ["401 unauthorized", "404 cart-not-found", "200", "200", "404 cart-not-found"]),
        ("PUT /api/carts/{cartId}/items/{productId}", ["401 unauthorized", "404 cart-not-found", "200", "200", "404 cart-not-found"]),
        ("DELETE /api/carts/{cartId}/items/{productId}", ["401 unauthorized", "404 cart-not-found", "200", "200", "404 cart-not-found"]),
        ("POST /api/carts/{cartId}/collaborators", ["401 unauthorized", "404 cart-not-found", "403 owner-only", "200", "404 cart-not-found"]),
        ("DELETE /api/carts/{cartId}/collaborators/{userId}", ["401 unauthorized", "404 cart-not-found", "403 owner-only", "200", "404 cart-not-found"]),
        ("POST /api/carts/{cartId}/checkout", ["401 unauthorized", "404 cart-not-found", "403 owner-only", "202", "404 cart-not-found"]),
        ("GET /api/carts/{cartId}/presence", ["401 unauthorized", "404 cart-not-found", "200", "200", "404 cart-not-found"]),
        ("PUT /api/carts/{cartId}/subscriptions/{connectionId}", ["401 unauthorized", "404 cart-not-found", "404 connection-not-found", "404 connection-not-found", "404 cart-not-found"]),
        ("DELETE /api/carts/{cartId}/subscriptions/{connectionId}", ["401 unauthorized", "404 cart-not-found", "204", "204", "404 cart-not-found"]),
        ("POST /api/carts/{cartId}/subscriptions", ["401 unauthorized", "404 cart-not-found", "204", "204", "404 cart-not-found"]),
        ("GET /api/orders", ["401 unauthorized", "200", "200", "200", "200"]),
        ("GET /api/orders/{orderId}", ["401 unauthorized", "404 order-not-found", "404 order-not-found", "200", "200"]),
        ("POST /api/orders/{orderId}/cancel", ["401 unauthorized", "404 order-not-found", "404 order-not-found", "200", "200"]),
        ("POST /api/orders/{orderId}/payment", ["401 unauthorized", "404 order-not-found", "404 order-not-found", "403 operator-only", "200"]),
        ("POST /api/orders/{orderId}/shipment", ["401 unauthorized", "404 order-not-found", "404 order-not-found", "403 operator-only", "200"]),
        ("GET /api/admin/parked", ["401 unauthorized", "403 operator-only", "403 operator-only", "403 operator-only", "200"]),
        ("GET /api/admin/orders?status=placed", ["401 unauthorized", "403 operator-only", "403 operator-only", "403 operator-only", "200"]),
        ("POST /api/admin/parked/replay", ["401 unauthorized", "403 operator-only", "403 operator-only", "403 operator-only", "200"]),
        ("POST /api/negotiate", ["401 unauthorized", "200", "200", "200", "200"]),
    ];

    public static TheoryData<string, string, string> Cells()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (endpoint, cells) in s_matrix)
        {
            for (var i = 0; i < s_callers.Length; i++)
            {
                data.Add(endpoint, s_callers[i], cells[i]);
            }
        }

        return data;
    }

    [Fact]
    public void The_matrix_covers_every_route_of_the_contract_and_every_kind_of_caller()
    {
        var routes = s_matrix.Select(m => m.Endpoint.Split('?')[0]).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(s_matrix.Length, routes.Count);
        Assert.All(s_matrix, m => Assert.Equal(s_callers.Length, m.Cells.Length));
        foreach (var endpoint in Fuzz.FuzzGenerators.Endpoints.Where(e => e.Template != "/api"))
        {
            Assert.Contains(endpoint.Name, routes);
        }
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public async Task Each_caller_gets_exactly_what_the_matrix_says(string endpoint, string caller, string expected)
    {
        var world = await MatrixWorld.CreateAsync(server, paid: endpoint.EndsWith("/shipment", StringComparison.Ordinal));
        var user = world.Caller(caller);
        var (method, path) = (endpoint.Split(' ')[0], endpoint.Split(' ')[1]);
        path = path.Replace("{cartId}", world.CartId, StringComparison.Ordinal)
            .Replace("{orderId}", world.OrderId, StringComparison.Ordinal)
            .Replace("{productId}", ApiUser.Espresso, StringComparison.Ordinal)
            .Replace("{userId}", world.Collaborator.UserId, StringComparison.Ordinal)
            .Replace("{connectionId}", "matrix-connection", StringComparison.Ordinal);
        await using var listener = path.EndsWith("/subscriptions", StringComparison.Ordinal) && user is not null
            ? await HubListener.ConnectAsync(server.Factory.Server, user)
            : null;
        object? body = endpoint switch
        {
            "POST /api/dev/tokens" => new { userId = "matrix-someone" },
            "PUT /api/carts/{cartId}/name" => new { name = "Matrix cart" },
            "POST /api/carts/{cartId}/items" => new { productId = ApiUser.Filter, quantity = 1 },
            "PUT /api/carts/{cartId}/items/{productId}" => new { quantity = 5 },
            "POST /api/carts/{cartId}/collaborators" => new { userId = "matrix-newcomer" },
            "POST /api/carts/{cartId}/checkout" => new { shippingAddress = Addresses.Valid },
            "POST /api/carts/{cartId}/subscriptions" => new { connectionId = listener?.ConnectionId ?? "none" },
            "POST /api/orders/{orderId}/cancel" => new { reason = "changed my mind" },
            "POST /api/orders/{orderId}/payment" => new { approved = true, reference = "psp-1" },
            "POST /api/orders/{orderId}/shipment" => new { carrier = "DHL", trackingNumber = "T1" },
            "POST /api/admin/parked/replay" => new { subscription = "projector" },
            _ => null,
        };

        using var response = user is null
            ? await SendAnonymousAsync(method, path, body)
            : await user.SendAsync(new HttpMethod(method), path, body);

        var parts = expected.Split(' ');
        var status = (HttpStatusCode)int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        if (parts.Length == 1)
        {
            Assert.True(status == response.StatusCode, $"{caller} {endpoint}: expected {expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }
        else
        {
            await response.AssertProblemAsync(status, parts[1]);
            if (parts[1] is "cart-not-found" or "order-not-found")
            {
                Assert.Null(response.Headers.ETag); // existence is not leaked
            }
        }
    }

    /// <summary>The lists say the same as the matrix once the views have caught up: no one sees a cart or an order through a list that they may not read.</summary>
    [Fact]
    public async Task Lists_show_each_caller_only_their_carts_and_orders()
    {
        var world = await MatrixWorld.CreateAsync(server, paid: false);
        await Eventually.TrueAsync(async () => (await ListAsync(world.Owner, "/api/orders")).Contains(world.OrderId)
            && (await ListAsync(world.Collaborator, "/api/carts")).Contains(world.CartId));

        Assert.Contains(world.CartId, await ListAsync(world.Owner, "/api/carts"));
        Assert.Contains(world.CartId, await ListAsync(world.Collaborator, "/api/carts"));
        Assert.DoesNotContain(world.CartId, await ListAsync(world.Stranger, "/api/carts"));
        Assert.DoesNotContain(world.CartId, await ListAsync(world.Operator, "/api/carts"));
        Assert.DoesNotContain(world.OrderId, await ListAsync(world.Collaborator, "/api/orders"));
        Assert.DoesNotContain(world.OrderId, await ListAsync(world.Stranger, "/api/orders"));
        Assert.DoesNotContain(world.OrderId, await ListAsync(world.Operator, "/api/orders"));
    }

    [Theory]
    [InlineData("/api/carts/{cartId}/events?limit=1")]
    [InlineData("/api/carts?limit=1")]
    [InlineData("/api/orders?limit=1")]
    public async Task A_continuation_serves_only_the_caller_and_the_list_it_was_issued_for(string first)
    {
        var world = await MatrixWorld.CreateAsync(server, paid: false);
        await world.Owner.CreateCartAsync();
        await world.Owner.PlacedOrderAsync();
        var path = first.Replace("{cartId}", world.CartId, StringComparison.Ordinal);
        string? token = null;
        await Eventually.TrueAsync(async () =>
        {
            using var page = await world.Owner.GetAsync(path);
            token = (await page.JsonAsync()).TryGetProperty("continuation", out var issued) ? issued.GetString() : null;
            return token is not null;
        });
        var next = path + "&continuation=" + Uri.EscapeDataString(token!);

        foreach (var other in new[] { world.Collaborator, world.Stranger, world.Operator })
        {
            using var response = await other.GetAsync(next);
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-continuation");
        }

        using var anonymous = await SendAnonymousAsync("GET", next, null);
        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        using var owner = await world.Owner.GetAsync(next);
        Assert.Equal(HttpStatusCode.OK, owner.StatusCode);
    }

    private static async Task<string> ListAsync(ApiUser user, string path)
    {
        using var response = await user.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
    }

    private async Task<HttpResponseMessage> SendAnonymousAsync(string method, string path, object? body)
    {
        using var anonymous = server.Anonymous();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = System.Net.Http.Json.JsonContent.Create(body);
        }

        return await anonymous.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>A cart (owner, a collaborator, one line) and a placed order of the owner (paid when asked), plus a stranger and an operator.</summary>
    private sealed record MatrixWorld(ApiUser Owner, ApiUser Collaborator, ApiUser Stranger, ApiUser Operator, string CartId, string OrderId)
    {
        public static async Task<MatrixWorld> CreateAsync(ServerFixture server, bool paid)
        {
            var owner = await server.UserAsync("owner");
            var collaborator = await server.UserAsync("collab");
            var stranger = await server.UserAsync("stranger");
            var @operator = await server.UserAsync("ops", "operator");
            var cartId = await owner.CreateCartAsync();
            await owner.AddItemAsync(cartId, ApiUser.Espresso, 2);
            await owner.InviteAsync(cartId, collaborator);
            var orderId = await owner.PlacedOrderAsync();
            if (paid)
            {
                using var payment = await @operator.PostAsync($"/api/orders/{orderId}/payment", new { approved = true, reference = "psp-0" });
                Assert.Equal(HttpStatusCode.OK, payment.StatusCode);
            }

            return new MatrixWorld(owner, collaborator, stranger, @operator, cartId, orderId);
        }

        public ApiUser? Caller(string name) => name switch
        {
            AuthorizationMatrixTests.Anonymous => null,
            AuthorizationMatrixTests.Stranger => Stranger,
            AuthorizationMatrixTests.Collaborator => Collaborator,
            AuthorizationMatrixTests.Owner => Owner,
            AuthorizationMatrixTests.Operator => Operator,
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
    }
}
