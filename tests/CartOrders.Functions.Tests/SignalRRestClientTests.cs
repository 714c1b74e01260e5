using System.Net;
using CartOrders.Application.Projections;
using CartOrders.Domain.Carts;
using CartOrders.Functions.Realtime;
using CartOrders.Functions.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CartOrders.Functions.Tests;

/// <summary>The REST adapters against a stand-in service on 127.0.0.1: paths, api-version, methods, bodies and tokens.</summary>
public sealed class SignalRRestClientTests : IAsyncLifetime
{
    private FakeSignalRService _service = null!;
    private ServiceProvider _services = null!;

    public async ValueTask InitializeAsync()
    {
        _service = await FakeSignalRService.StartAsync();
        _services = Build(_service.ConnectionString);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _service.DisposeAsync();
    }

    [Fact]
    public async Task cartUpdated_goes_to_the_carts_group_with_a_key_signed_token_for_the_request_url()
    {
        var notifier = _services.GetRequiredService<CartOrders.Application.Ports.IRealtimeNotifier>();

        await notifier.CartUpdatedAsync(new CartUpdate(Cart("c1", version: 3), "bob", new CartChange("itemQuantityChanged", "p-espresso", 4)), TestContext.Current.CancellationToken);

        var request = Assert.Single(_service.Received);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/api/hubs/cartorders/groups/cart-c1/:send", request.Path);
        Assert.Equal("2022-06-01", request.Query["api-version"]);
        Assert.StartsWith("application/json", request.ContentType, StringComparison.Ordinal);
        var body = request.Json();
        Assert.Equal("cartUpdated", body.GetProperty("target").GetString());
        var view = Assert.Single(body.GetProperty("arguments").EnumerateArray());
        Assert.Equal("c1", view.GetProperty("cartId").GetString());
        Assert.Equal(3, view.GetProperty("version").GetInt64());
        Assert.Equal("open", view.GetProperty("status").GetString());
        Assert.Equal("alice", view.GetProperty("ownerId").GetString());
        Assert.Equal("bob", view.GetProperty("changedBy").GetString());
        Assert.Equal("""{"type":"itemQuantityChanged","productId":"p-espresso","quantity":4}""", view.GetProperty("change").GetRawText());
        await FakeSignalRService.ValidateAsync(request.Bearer, _service.Endpoint + "/api/hubs/cartorders/groups/cart-c1/:send", AccessKeySignalRAccess.RestTokenLifetime);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_does_not_validate()
    {
        await _services.GetRequiredService<SignalRRestClient>().SendToUserAsync("alice", "orderUpdated", new { }, TestContext.Current.CancellationToken);

        var request = Assert.Single(_service.Received);
        await Assert.ThrowsAsync<Xunit.Sdk.TrueException>(() => FakeSignalRService.ValidateAsync(
            request.Bearer, _service.Endpoint + request.Path, TimeSpan.FromMinutes(5), key: "ANOTHERKEYANOTHERKEYANOTHERKEYANOTHERKEY1234"));
    }

    [Fact]
    public async Task orderUpdated_goes_to_the_customer()
    {
        var notifier = _services.GetRequiredService<CartOrders.Application.Ports.IRealtimeNotifier>();

        await notifier.OrderUpdatedAsync(Order("o1", "alice"), TestContext.Current.CancellationToken);

        var request = Assert.Single(_service.Received);
        Assert.Equal(("POST", "/api/hubs/cartorders/users/alice/:send"), (request.Method, request.Path));
        Assert.Equal("orderUpdated", request.Json().GetProperty("target").GetString());
        Assert.Equal("o1", request.Json().GetProperty("arguments")[0].GetProperty("orderId").GetString());
        await FakeSignalRService.ValidateAsync(request.Bearer, _service.Endpoint + request.Path, AccessKeySignalRAccess.RestTokenLifetime);
    }

    [Fact]
    public async Task cartsChanged_goes_to_the_user_whose_list_changed()
    {
        var notifier = _services.GetRequiredService<CartOrders.Application.Ports.IRealtimeNotifier>();

        await notifier.CartsChangedAsync("bob", new CartOrders.Application.Ports.CartsChange("c1", CartOrders.Application.Ports.CartsChange.Invited, 2), TestContext.Current.CancellationToken);

        var request = Assert.Single(_service.Received);
        Assert.Equal(("POST", "/api/hubs/cartorders/users/bob/:send"), (request.Method, request.Path));
        Assert.Equal("cartsChanged", request.Json().GetProperty("target").GetString());
        var change = request.Json().GetProperty("arguments")[0];
        Assert.Equal(("c1", "invited", 2L), (change.GetProperty("cartId").GetString(), change.GetProperty("change").GetString(), change.GetProperty("version").GetInt64()));
    }

    [Fact]
    public async Task A_removed_collaborator_is_taken_out_of_the_carts_group()
    {
        var notifier = _services.GetRequiredService<CartOrders.Application.Ports.IRealtimeNotifier>();

        await notifier.RemoveUserFromCartAsync("c1", "bob", TestContext.Current.CancellationToken);

        var request = Assert.Single(_service.Received);
        Assert.Equal(("DELETE", "/api/hubs/cartorders/users/bob/groups/cart-c1", "2022-06-01"), (request.Method, request.Path, request.Query["api-version"]));
        await FakeSignalRService.ValidateAsync(request.Bearer, _service.Endpoint + request.Path, AccessKeySignalRAccess.RestTokenLifetime);
    }

    [Fact]
    public async Task Joining_checks_the_connection_then_adds_the_callers_user_to_the_group_and_announces_the_new_presence()
    {
        _service.OpenConnections.Add("conn-1");
        var subscriptions = _services.GetRequiredService<CartOrders.Api.Realtime.IRealtimeSubscriptions>();

        Assert.True(await subscriptions.JoinCartAsync("conn-1", "alice", "c1", TestContext.Current.CancellationToken));

        Assert.Collection(
            _service.Received,
            head => Assert.Equal(("HEAD", "/api/hubs/cartorders/connections/conn-1", "2022-06-01"), (head.Method, head.Path, head.Query["api-version"])),
            put => Assert.Equal(("PUT", "/api/hubs/cartorders/users/alice/groups/cart-c1", "2022-06-01"), (put.Method, put.Path, put.Query["api-version"])),
            confirm => Assert.Equal(("HEAD", "/api/hubs/cartorders/users/alice/groups/cart-c1", "2022-06-01"), (confirm.Method, confirm.Path, confirm.Query["api-version"])),
            presence =>
            {
                Assert.Equal(("POST", "/api/hubs/cartorders/groups/cart-c1/:send"), (presence.Method, presence.Path));
                Assert.Equal("""{"target":"presence","arguments":[{"cartId":"c1","users":["alice"]}]}""", System.Text.Encoding.UTF8.GetString(presence.Body));
            });
        foreach (var request in _service.Received)
        {
            await FakeSignalRService.ValidateAsync(request.Bearer, _service.Endpoint + request.Path, AccessKeySignalRAccess.RestTokenLifetime);
        }
    }

    [Fact]
    public async Task Joining_with_a_connection_the_service_does_not_know_adds_nothing()
    {
        var subscriptions = _services.GetRequiredService<CartOrders.Api.Realtime.IRealtimeSubscriptions>();

        Assert.False(await subscriptions.JoinCartAsync("conn-gone", "alice", "c1", TestContext.Current.CancellationToken));

        Assert.Equal("HEAD", Assert.Single(_service.Received).Method);
    }

    [Fact]
    public async Task Throttling_and_server_errors_are_retried_until_the_service_accepts()
    {
        _service.AnswerNext(503);
        _service.AnswerNext(429, retryAfter: TimeSpan.FromSeconds(1));
        _service.AnswerNext(500);

        await _services.GetRequiredService<SignalRRestClient>().SendToGroupAsync("cart-c1", "cartUpdated", new { }, TestContext.Current.CancellationToken);

        Assert.Equal(4, _service.Received.Count);
        Assert.All(_service.Received, r => Assert.Equal("/api/hubs/cartorders/groups/cart-c1/:send", r.Path));
    }

    [Fact]
    public async Task Retries_stop_after_the_last_attempt_with_the_services_status()
    {
        for (var i = 0; i < 4; i++)
        {
            _service.AnswerNext(503);
        }

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            _services.GetRequiredService<SignalRRestClient>().SendToUserAsync("alice", "orderUpdated", new { }, TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(4, _service.Received.Count);
    }

    [Fact]
    public async Task A_refusal_is_not_retried()
    {
        _service.AnswerNext(403);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            _services.GetRequiredService<SignalRRestClient>().AddUserToGroupAsync("alice", "cart-c1", TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Single(_service.Received);
    }

    [Fact]
    public async Task A_service_that_cannot_be_reached_is_retried_then_reported()
    {
        var unreachable = _service.Endpoint;
        await _service.DisposeAsync();
        await using var services = Build($"Endpoint={unreachable};AccessKey={FakeSignalRService.AccessKey};Version=1.0;");

        var error = await Assert.ThrowsAsync<HttpRequestException>(() =>
            services.GetRequiredService<SignalRRestClient>().SendToGroupAsync("cart-c1", "cartUpdated", new { }, TestContext.Current.CancellationToken));

        Assert.Null(error.StatusCode);
    }

    [Fact]
    public void The_client_token_call_uses_the_first_api_version_that_has_it()
    {
        Assert.Equal("2022-06-01", SignalRRestClient.ApiVersion);
        Assert.Equal("2023-07-01", SignalRRestClient.GenerateTokenApiVersion);
    }

    internal static ServiceProvider Build(string connectionString)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SignalR:ConnectionString"] = connectionString,
            ["SignalR:RetryDelay"] = "00:00:00.010",
            ["SignalR:MaxRetryDelay"] = "00:00:00.050",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<CartOrders.Application.Ports.IViewStore, MemoryViews>();
        services.AddServerlessRealtime(configuration);
        var provider = services.BuildServiceProvider(validateScopes: true);
        var failures = provider.GetRequiredService<IEnumerable<IValidateOptions<SignalROptions>>>()
            .Select(v => v.Validate(null, provider.GetRequiredService<IOptions<SignalROptions>>().Value))
            .Where(r => r.Failed);
        Assert.Empty(failures);
        return provider;
    }

    private static CartView Cart(string cartId, long version) =>
        new(cartId, "alice", [], "open", [], 0, 0m, "EUR", version, DateTimeOffset.UtcNow, null);

    private static OrderView Order(string orderId, string customerId) =>
        new(orderId, "c1", customerId, [], 7.9m, "EUR", "placed", new ShippingAddress("Alice", "1 Main Street", "Springfield", "12345", "DE"), [], 1);
}
