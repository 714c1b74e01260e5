using System.Net;
using System.Text.Json;
using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Server.Tests;

public sealed class OpenApiTests(ServerFixture server)
{
    /// <summary>Every route of api.md, plus the development token endpoint.</summary>
    public static TheoryData<string, string> ContractRoutes => new()
    {
        { "get", "/api/products" },
        { "get", "/api/carts" },
        { "post", "/api/carts" },
        { "get", "/api/carts/{cartId}" },
        { "put", "/api/carts/{cartId}/name" },
        { "get", "/api/carts/{cartId}/events" },
        { "post", "/api/carts/{cartId}/items" },
        { "put", "/api/carts/{cartId}/items/{productId}" },
        { "delete", "/api/carts/{cartId}/items/{productId}" },
        { "post", "/api/carts/{cartId}/collaborators" },
        { "delete", "/api/carts/{cartId}/collaborators/{userId}" },
        { "post", "/api/carts/{cartId}/checkout" },
        { "post", "/api/carts/{cartId}/subscriptions" },
        { "put", "/api/carts/{cartId}/subscriptions/{connectionId}" },
        { "delete", "/api/carts/{cartId}/subscriptions/{connectionId}" },
        { "get", "/api/carts/{cartId}/presence" },
        { "get", "/api/orders" },
        { "get", "/api/orders/{orderId}" },
        { "post", "/api/orders/{orderId}/cancel" },
        { "post", "/api/orders/{orderId}/payment" },
        { "post", "/api/orders/{orderId}/shipment" },
        { "get", "/api/health" },
        { "post", "/api/dev/tokens" },
    };

    [Theory]
    [MemberData(nameof(ContractRoutes))]
    public async Task The_document_describes_every_route_of_the_contract(string method, string path)
    {
        var document = await DocumentAsync();

        Assert.True(document.GetProperty("paths").TryGetProperty(path, out var item), $"{path} is missing");
        Assert.True(item.TryGetProperty(method, out var operation), $"{method.ToUpperInvariant()} {path} is missing");
        var responses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
        Assert.Contains(responses, r => r.StartsWith('2'));
        var isPublic = path is "/api/products" or "/api/health" or "/api/dev/tokens";
        Assert.Equal(!isPublic, responses.Contains("401"));
        Assert.Equal(!isPublic, operation.TryGetProperty("security", out _));
        // A subscription's refresh names everything in its path: it has no body, as its removal has none.
        if ((method is "post" or "put") && path != "/api/carts/{cartId}/subscriptions/{connectionId}")
        {
            Assert.True(operation.TryGetProperty("requestBody", out var body), $"{method.ToUpperInvariant()} {path} has no request body");
            Assert.True(body.GetProperty("content").TryGetProperty("application/json", out _));
            if (path == "/api/carts")
            {
                Assert.False(body.TryGetProperty("required", out var required) && required.GetBoolean(), "a cart is created without a body too");
                Assert.True(body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("properties").TryGetProperty("name", out _));
            }
        }

        if (method != "get" && !isPublic)
        {
            Assert.Contains("429", responses);
            Assert.Contains("400", responses);
        }
    }

    /// <summary>Every mapped operation with its operation id (what generated clients name their methods after) and tag.</summary>
    public static TheoryData<string, string, string, string> Operations => new()
    {
        { "get", "/api/products", "ListProducts", "Catalog" },
        { "get", "/api/carts", "ListCarts", "Carts" },
        { "post", "/api/carts", "CreateCart", "Carts" },
        { "get", "/api/carts/{cartId}", "GetCart", "Carts" },
        { "put", "/api/carts/{cartId}/name", "RenameCart", "Carts" },
        { "get", "/api/carts/{cartId}/events", "GetCartEvents", "Carts" },
        { "post", "/api/carts/{cartId}/items", "AddItem", "Carts" },
        { "put", "/api/carts/{cartId}/items/{productId}", "SetItemQuantity", "Carts" },
        { "delete", "/api/carts/{cartId}/items/{productId}", "RemoveItem", "Carts" },
        { "post", "/api/carts/{cartId}/collaborators", "AddCollaborator", "Carts" },
        { "delete", "/api/carts/{cartId}/collaborators/{userId}", "RemoveCollaborator", "Carts" },
        { "post", "/api/carts/{cartId}/checkout", "CheckOut", "Carts" },
        { "post", "/api/carts/{cartId}/subscriptions", "SubscribeToCart", "Realtime" },
        { "put", "/api/carts/{cartId}/subscriptions/{connectionId}", "RefreshCartSubscription", "Realtime" },
        { "delete", "/api/carts/{cartId}/subscriptions/{connectionId}", "UnsubscribeFromCart", "Realtime" },
        { "get", "/api/carts/{cartId}/presence", "GetCartPresence", "Realtime" },
        { "get", "/api/orders", "ListOrders", "Orders" },
        { "get", "/api/orders/{orderId}", "GetOrder", "Orders" },
        { "post", "/api/orders/{orderId}/cancel", "CancelOrder", "Orders" },
        { "post", "/api/orders/{orderId}/payment", "RecordPayment", "Orders" },
        { "post", "/api/orders/{orderId}/shipment", "ShipOrder", "Orders" },
        { "get", "/api/admin/orders", "ListOrdersByStatus", "Admin" },
        { "get", "/api/admin/parked", "ListParkedEvents", "Admin" },
        { "post", "/api/admin/parked/replay", "ReplayParkedEvents", "Admin" },
        { "get", "/api/admin/projections", "ListProjections", "Admin" },
        { "get", "/api/admin/projections/{name}", "GetProjection", "Admin" },
        { "post", "/api/admin/projections/{name}/rebuild", "RebuildProjection", "Admin" },
        { "get", "/api/health", "GetHealth", "Health" },
        { "post", "/api/dev/tokens", "IssueDevelopmentToken", "Development" },
    };

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Every_operation_has_its_stable_id_and_tag(string method, string path, string operationId, string tag)
    {
        var document = await DocumentAsync();

        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
        Assert.Equal([tag], operation.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task The_document_holds_exactly_those_operations()
    {
        var document = await DocumentAsync();

        var described = document.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(o => $"{o.Name} {p.Name}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(Operations.Select(row => $"{row.Data.Item1} {row.Data.Item2}").Order(StringComparer.Ordinal), described);
    }

    [Fact]
    public async Task The_document_declares_bearer_authentication_and_problem_responses()
    {
        var document = await DocumentAsync();

        var scheme = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal("http", scheme.GetProperty("type").GetString());
        Assert.Equal("bearer", scheme.GetProperty("scheme").GetString());
        var notFound = document.GetProperty("paths").GetProperty("/api/carts/{cartId}").GetProperty("get").GetProperty("responses").GetProperty("404");
        Assert.True(notFound.GetProperty("content").TryGetProperty("application/problem+json", out _));
        var cartView = document.GetProperty("paths").GetProperty("/api/carts/{cartId}").GetProperty("get").GetProperty("responses").GetProperty("200");
        Assert.True(cartView.GetProperty("content").TryGetProperty("application/json", out _));
    }

    private async Task<JsonElement> DocumentAsync()
    {
        using var client = server.Anonymous();
        using var response = await client.GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }
}
