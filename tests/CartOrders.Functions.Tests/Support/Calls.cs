using CartOrders.Functions.Feed;
using CartOrders.Functions.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CartOrders.Functions.Tests.Support;

/// <summary>The calls most tests make, through the functions themselves.</summary>
public static class Calls
{
    public const string Espresso = "espresso-beans-250g";
    public const string Filter = "filter-coffee-250g";

    public static readonly object Address = new
    {
        shippingAddress = new { name = "Alice Example", line1 = "1 Main Street", city = "Springfield", postalCode = "12345", country = "DE" },
    };

    public static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)];

    public static async Task<string> CreateCartAsync(this FunctionsApp app, string token)
    {
        var response = await app.CallAsync(nameof(CartFunctions.CreateCart), HttpMethod.Post, "/api/carts", CartFunctions.CreateCart, token);
        Assert.Equal(201, response.Status);
        return response.Json().GetProperty("cartId").GetString()!;
    }

    public static Task<TestResponse> AddItemAsync(this FunctionsApp app, string token, string cartId, string productId = Espresso, int quantity = 1) =>
        app.CallAsync(nameof(CartFunctions.AddItem), HttpMethod.Post, $"/api/carts/{cartId}/items", r => CartFunctions.AddItem(r, cartId), token, new { productId, quantity });

    public static Task<TestResponse> GetCartAsync(this FunctionsApp app, string token, string cartId) =>
        app.CallAsync(nameof(CartFunctions.GetCart), HttpMethod.Get, $"/api/carts/{cartId}", r => CartFunctions.GetCart(r, cartId), token);

    public static async Task<string> CheckOutAsync(this FunctionsApp app, string token, string cartId)
    {
        var response = await app.CallAsync(nameof(CartFunctions.CheckOut), HttpMethod.Post, $"/api/carts/{cartId}/checkout", r => CartFunctions.CheckOut(r, cartId), token, Address);
        Assert.Equal(202, response.Status);
        return response.Json().GetProperty("orderId").GetString()!;
    }

    public static Task<TestResponse> GetOrderAsync(this FunctionsApp app, string token, string orderId) =>
        app.CallAsync(nameof(OrderFunctions.GetOrder), HttpMethod.Get, $"/api/orders/{orderId}", r => OrderFunctions.GetOrder(r, orderId), token);

    /// <summary>Joins the caller's real-time connection to the cart's group.</summary>
    public static Task<TestResponse> SubscribeAsync(this FunctionsApp app, string token, string cartId, string connectionId) =>
        app.CallAsync(
            nameof(RealtimeFunctions.SubscribeToCart), HttpMethod.Post, $"/api/carts/{cartId}/subscriptions",
            r => RealtimeFunctions.SubscribeToCart(r, cartId), token, new { connectionId });

    /// <summary>One tick of the FeedPump timer function, as the host would trigger it.</summary>
    public static Task TickAsync(this FunctionsApp app) =>
        new FeedPumpFunction(
                app.Get<FeedSubscriptions>(),
                app.Get<CartOrders.Application.Rebuilds.ProjectionRebuilder>(),
                app.Get<Microsoft.Extensions.Options.IOptions<FeedOptions>>(),
                app.Services.GetRequiredService<ILogger<FeedPumpFunction>>())
            .RunAsync(new TimerInfo(), TestContext.Current.CancellationToken);
}
