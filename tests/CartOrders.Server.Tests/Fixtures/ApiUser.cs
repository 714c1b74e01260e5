using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CartOrders.Server.Tests.Fixtures;

/// <summary>A signed-in user of the API: an HttpClient carrying a development token for that user.</summary>
public sealed class ApiUser(HttpClient http, string userId, string token)
{
    public const string Espresso = "espresso-beans-250g";
    public const string Filter = "filter-coffee-250g";

    public HttpClient Http { get; } = http;

    public string UserId { get; } = userId;

    public string Token { get; } = token;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ApiUser> CreateAsync(WebApplicationFactory<Program> factory, string userId, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var http = factory.CreateClient();
        var token = await TokenAsync(http, userId, roles);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ApiUser(http, userId, token);
    }

    /// <summary>The same user, signed in with the same token, on another instance of the server.</summary>
    public ApiUser On(WebApplicationFactory<Program> instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        var http = instance.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return new ApiUser(http, UserId, Token);
    }

    public static async Task<string> TokenAsync(HttpClient anonymous, string userId, params string[] roles)
    {
        using var response = await anonymous.PostAsJsonAsync("/api/dev/tokens", new { userId, roles }, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("token").GetString()!;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body = null, string? ifMatch = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return Http.SendAsync(request, Ct);
    }

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null, string? ifMatch = null, string? idempotencyKey = null) =>
        SendAsync(HttpMethod.Post, path, body, ifMatch, idempotencyKey);

    /// <summary>A JSON body exactly as written (for malformed or mistyped JSON).</summary>
    public static StringContent Raw(string json, string contentType = "application/json") => new(json, Encoding.UTF8, contentType);

    public async Task<string> CreateCartAsync()
    {
        using var response = await PostAsync("/api/carts");
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("cartId").GetString()!;
    }

    public async Task<JsonElement> AddItemAsync(string cartId, string productId = Espresso, int quantity = 1)
    {
        using var response = await PostAsync($"/api/carts/{cartId}/items", new { productId, quantity });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    public async Task InviteAsync(string cartId, ApiUser collaborator)
    {
        using var response = await PostAsync($"/api/carts/{cartId}/collaborators", new { userId = collaborator.UserId });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The cart's whole history, read page by page through the Link header's next page.</summary>
    public async Task<List<JsonElement>> HistoryAsync(string cartId)
    {
        var events = new List<JsonElement>();
        string? path = $"/api/carts/{cartId}/events?limit=200";
        while (path is not null)
        {
            using var response = await GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            events.AddRange((await response.JsonAsync()).GetProperty("items").EnumerateArray());
            path = response.Headers.TryGetValues("Link", out var links) && links.Single() is var link
                ? link[1..link.IndexOf('>', StringComparison.Ordinal)]
                : null;
        }

        return events;
    }

    /// <summary>Checks the cart out and waits until order placement has placed the order.</summary>
    public async Task<string> CheckOutAsync(string cartId)
    {
        using var response = await PostAsync($"/api/carts/{cartId}/checkout", new { shippingAddress = Addresses.Valid });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var orderId = (await response.JsonAsync()).GetProperty("orderId").GetString()!;
        await Eventually.TrueAsync(async () =>
        {
            using var order = await GetAsync($"/api/orders/{orderId}");
            return order.StatusCode == HttpStatusCode.OK;
        });
        return orderId;
    }

    /// <summary>A placed order of a cart with one line.</summary>
    public async Task<string> PlacedOrderAsync()
    {
        var cartId = await CreateCartAsync();
        await AddItemAsync(cartId, Espresso, 2);
        return await CheckOutAsync(cartId);
    }
}

public static class Addresses
{
    public static object Valid { get; } = new { name = "Alice Martin", line1 = "1 Rue de la Paix", city = "Lyon", postalCode = "69001", country = "FR" };
}

public static class Responses
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    /// <summary>Asserts a problem+json answer with this status and code, and returns its body.</summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.JsonAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, body.GetProperty("code").GetString());
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("type").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("detail").GetString()));
        Assert.DoesNotContain("   at ", body.ToString(), StringComparison.Ordinal);
        return body;
    }

    /// <summary>Asserts the answer to a command that needs a body and was sent none: 400 malformed-json, saying so.</summary>
    public static async Task AssertBodyRequiredAsync(this HttpResponseMessage response)
    {
        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        Assert.Equal("A JSON body is required.", problem.GetProperty("detail").GetString());
    }

    public static long ETag(this HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var tag = response.Headers.ETag ?? throw new Xunit.Sdk.XunitException("The response has no ETag.");
        Assert.False(tag.IsWeak);
        return long.Parse(tag.Tag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture);
    }
}
