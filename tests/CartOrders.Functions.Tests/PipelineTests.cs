using CartOrders.Application.Ports;
using CartOrders.Functions.Http;
using CartOrders.Functions.Tests.Support;
using CartOrders.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static CartOrders.Functions.Tests.Support.Calls;

namespace CartOrders.Functions.Tests;

/// <summary>What the local server does with middleware, done here by the API's handlers and the worker pipeline: the same answers.</summary>
public sealed class PipelineTests
{
    [Fact]
    public async Task A_body_over_64_KiB_is_413_payload_too_large()
    {
        await using var app = FunctionsApp.Start();
        var alice = app.Tokens.For(Unique("alice"));
        var cartId = await app.CreateCartAsync(alice);
        var body = "{\"productId\":\"" + new string('x', 70 * 1024) + "\",\"quantity\":1}";

        var response = await app.CallAsync(nameof(CartFunctions.AddItem), HttpMethod.Post, $"/api/carts/{cartId}/items", r => CartFunctions.AddItem(r, cartId), alice, body);

        Assert.Equal((413, "payload-too-large"), (response.Status, response.ProblemCode()));
    }

    [Fact]
    public async Task Malformed_json_is_400_and_a_bad_field_is_400_validation_failed_with_errors()
    {
        await using var app = FunctionsApp.Start();
        var alice = app.Tokens.For(Unique("alice"));
        var cartId = await app.CreateCartAsync(alice);

        var malformed = await app.CallAsync(nameof(CartFunctions.AddItem), HttpMethod.Post, $"/api/carts/{cartId}/items", r => CartFunctions.AddItem(r, cartId), alice, "{\"productId\":");
        var invalid = await app.CallAsync(nameof(CartFunctions.AddItem), HttpMethod.Post, $"/api/carts/{cartId}/items", r => CartFunctions.AddItem(r, cartId), alice, new { productId = Espresso, quantity = "two" });

        Assert.Equal((400, "malformed-json"), (malformed.Status, malformed.ProblemCode()));
        Assert.Equal((400, "validation-failed"), (invalid.Status, invalid.ProblemCode()));
        Assert.True(invalid.Json().GetProperty("errors").TryGetProperty("quantity", out _));
    }

    [Fact]
    public async Task A_stale_If_Match_is_412_with_the_current_etag()
    {
        await using var app = FunctionsApp.Start();
        var alice = app.Tokens.For(Unique("alice"));
        var cartId = await app.CreateCartAsync(alice);
        await app.AddItemAsync(alice, cartId);

        var response = await app.CallAsync(
            nameof(CartFunctions.AddItem), HttpMethod.Post, $"/api/carts/{cartId}/items", r => CartFunctions.AddItem(r, cartId), alice,
            new { productId = Espresso, quantity = 1 }, new Dictionary<string, string> { ["If-Match"] = "\"1\"" });

        Assert.Equal((412, "version-mismatch"), (response.Status, response.ProblemCode()));
        Assert.Equal(2, response.ETag);
    }

    [Fact]
    public async Task The_same_Idempotency_Key_replays_the_first_answer_and_appends_nothing()
    {
        await using var app = FunctionsApp.Start();
        var alice = app.Tokens.For(Unique("alice"));
        var cartId = await app.CreateCartAsync(alice);
        var key = new Dictionary<string, string> { ["Idempotency-Key"] = "add-once" };

        var first = await app.CallAsync(nameof(CartFunctions.AddItem), HttpMethod.Post, $"/api/carts/{cartId}/items", r => CartFunctions.AddItem(r, cartId), alice, new { productId = Espresso, quantity = 2 }, key);
        var again = await app.CallAsync(nameof(CartFunctions.AddItem), HttpMethod.Post, $"/api/carts/{cartId}/items", r => CartFunctions.AddItem(r, cartId), alice, new { productId = Espresso, quantity = 2 }, key);
        var cart = await app.GetCartAsync(alice, cartId);

        Assert.Equal(200, again.Status);
        Assert.Equal(first.Body, again.Body);
        Assert.Equal(first.ETag, again.ETag);
        Assert.Equal(2, cart.ETag);
    }

    [Fact]
    public async Task Commands_beyond_the_per_user_limit_are_429_with_Retry_After_and_reads_are_not_counted()
    {
        await using var app = FunctionsApp.Start(new Dictionary<string, string?> { ["RateLimiting:PermitsPerSecond"] = "1", ["RateLimiting:Burst"] = "2" });
        var alice = app.Tokens.For(Unique("alice"));
        var bob = app.Tokens.For(Unique("bob"));
        var cartId = await app.CreateCartAsync(alice);
        await app.AddItemAsync(alice, cartId);

        var limited = await app.AddItemAsync(alice, cartId);
        var read = await app.GetCartAsync(alice, cartId);
        var otherUser = await app.CallAsync(nameof(CartFunctions.CreateCart), HttpMethod.Post, "/api/carts", CartFunctions.CreateCart, bob);

        Assert.Equal((429, "rate-limited"), (limited.Status, limited.ProblemCode()));
        Assert.True(int.Parse(limited.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.Equal(200, read.Status);
        Assert.Equal(201, otherUser.Status);
    }

    [Fact]
    public async Task An_unexpected_failure_is_500_internal_error_with_the_trace_id_and_no_details()
    {
        await using var app = FunctionsApp.Start(configure: services =>
            services.Replace(ServiceDescriptor.Singleton<IViewStore>(sp => new BrokenViewStore(new SqliteViewStore(sp.GetRequiredService<SqliteDatabase>())))));

        var response = await app.CallAsync(nameof(CartFunctions.ListCarts), HttpMethod.Get, "/api/carts", CartFunctions.ListCarts, app.Tokens.For(Unique("alice")));

        Assert.Equal((500, "internal-error"), (response.Status, response.ProblemCode()));
        Assert.False(string.IsNullOrEmpty(response.Json().GetProperty("traceId").GetString()));
        Assert.DoesNotContain(BrokenViewStore.Secret, response.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", response.Text, StringComparison.Ordinal);
    }

    private sealed class BrokenViewStore(IViewStore inner) : IViewStore
    {
        public const string Secret = "the store said: secret detail";

        public Task<ViewDocument?> GetAsync(string kind, string id, CancellationToken cancellationToken = default) => inner.GetAsync(kind, id, cancellationToken);

        public Task<bool> UpsertAsync(ViewDocument document, CancellationToken cancellationToken = default) => inner.UpsertAsync(document, cancellationToken);

        public Task<Page<ViewDocument>> ListForMemberAsync(string kind, string userId, PageRequest page, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException(Secret);

        public Task<Page<ViewDocument>> ListByStatusAsync(string kind, string status, DateTimeOffset before, PageRequest page, CancellationToken cancellationToken = default) =>
            inner.ListByStatusAsync(kind, status, before, page, cancellationToken);

        public Task ClearAsync(CancellationToken cancellationToken = default) => inner.ClearAsync(cancellationToken);
    }
}
