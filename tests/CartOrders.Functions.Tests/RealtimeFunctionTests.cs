using System.Diagnostics;
using System.Text.Json;
using Azure.Core;
using CartOrders.Application.Ports;
using CartOrders.Functions.Http;
using CartOrders.Functions.Realtime;
using CartOrders.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static CartOrders.Functions.Tests.Support.Calls;

namespace CartOrders.Functions.Tests;

/// <summary>Negotiate, subscriptions and pushes through the functions, with the stand-in SignalR service.</summary>
public sealed class RealtimeFunctionTests : IAsyncLifetime
{
    private FakeSignalRService _service = null!;

    public async ValueTask InitializeAsync() => _service = await FakeSignalRService.StartAsync();

    public ValueTask DisposeAsync() => _service.DisposeAsync();

    [Fact]
    public async Task Negotiate_sends_the_client_to_the_service_with_a_key_signed_token_carrying_its_user_id()
    {
        await using var app = FunctionsApp.Start(WithKey());
        var alice = Unique("alice");

        var response = await app.CallAsync(nameof(RealtimeFunctions.Negotiate), HttpMethod.Post, "/api/negotiate?negotiateVersion=1", RealtimeFunctions.Negotiate, app.Tokens.For(alice));

        Assert.Equal(200, response.Status);
        var url = response.Json().GetProperty("url").GetString()!;
        Assert.Equal(_service.Endpoint + "/client/?hub=cartorders", url);
        var token = await FakeSignalRService.ValidateAsync(response.Json().GetProperty("accessToken").GetString()!, url, TimeSpan.FromHours(1));
        Assert.Equal(alice, token.GetClaim(AccessKeySignalRAccess.UserIdClaim).Value);
        Assert.True(token.ValidTo > DateTime.UtcNow.AddMinutes(55));
    }

    [Fact]
    public async Task Negotiate_with_Entra_ID_asks_the_service_for_the_client_token_with_the_apps_identity()
    {
        await using var app = FunctionsApp.Start(
            new Dictionary<string, string?> { ["SignalR:Endpoint"] = _service.Endpoint },
            services => services.Replace(ServiceDescriptor.KeyedSingleton<TokenCredential>(RealtimeServices.CredentialKey, new StaticCredential("entra-token-of-the-app"))));
        var alice = Unique("alice");

        var response = await app.CallAsync(nameof(RealtimeFunctions.Negotiate), HttpMethod.Post, "/api/negotiate", RealtimeFunctions.Negotiate, app.Tokens.For(alice));

        Assert.Equal(200, response.Status);
        Assert.Equal(FakeSignalRService.IssuedClientToken, response.Json().GetProperty("accessToken").GetString());
        var request = Assert.Single(_service.Received);
        Assert.Equal(("POST", "/api/hubs/cartorders/:generateToken"), (request.Method, request.Path));
        Assert.Equal(alice, request.Query["userId"]);
        Assert.Equal("60", request.Query["minutesToExpire"]);
        Assert.Equal("2023-07-01", request.Query["api-version"]);
        Assert.Equal("entra-token-of-the-app", request.Bearer);
    }

    [Fact]
    public async Task Negotiate_needs_a_caller_and_without_a_service_answers_503()
    {
        await using var withService = FunctionsApp.Start(WithKey());
        await using var withoutService = FunctionsApp.Start();

        var anonymous = await withService.CallAsync(nameof(RealtimeFunctions.Negotiate), HttpMethod.Post, "/api/negotiate", RealtimeFunctions.Negotiate);
        var unavailable = await withoutService.CallAsync(nameof(RealtimeFunctions.Negotiate), HttpMethod.Post, "/api/negotiate", RealtimeFunctions.Negotiate, withoutService.Tokens.For(Unique("alice")));

        Assert.Equal((401, "unauthorized"), (anonymous.Status, anonymous.ProblemCode()));
        Assert.Equal((503, "realtime-unavailable"), (unavailable.Status, unavailable.ProblemCode()));
        Assert.Empty(_service.Received);
    }

    [Fact]
    public async Task Subscribing_adds_the_member_to_the_carts_group_only_for_an_open_connection()
    {
        await using var app = FunctionsApp.Start(WithKey());
        var aliceId = Unique("alice");
        var alice = app.Tokens.For(aliceId);
        var cartId = await app.CreateCartAsync(alice);
        _service.OpenConnections.Add("conn-alice");

        var joined = await app.SubscribeAsync(alice, cartId, "conn-alice");
        var unknown = await app.SubscribeAsync(alice, cartId, "conn-nobody");
        var stranger = await app.SubscribeAsync(app.Tokens.For(Unique("mallory")), cartId, "conn-alice");

        Assert.Equal(204, joined.Status);
        Assert.Equal((404, "connection-not-found"), (unknown.Status, unknown.ProblemCode()));
        Assert.Equal((404, "cart-not-found"), (stranger.Status, stranger.ProblemCode()));
        var put = Assert.Single(_service.Received, r => r.Method == "PUT");
        Assert.Equal($"/api/hubs/cartorders/users/{aliceId}/groups/cart-{cartId}", put.Path);
    }

    [Fact]
    public async Task A_failing_service_makes_subscribing_503_not_500()
    {
        await using var app = FunctionsApp.Start(WithKey(("SignalR:MaxAttempts", "1")));
        var alice = app.Tokens.For(Unique("alice"));
        var cartId = await app.CreateCartAsync(alice);
        _service.AnswerNext(500);

        var response = await app.SubscribeAsync(alice, cartId, "conn-alice");

        Assert.Equal((503, "realtime-unavailable"), (response.Status, response.ProblemCode()));
        Assert.Equal("1", response.Headers.RetryAfter.ToString());
    }

    [Fact]
    public async Task The_feed_pump_pushes_each_cart_change_to_its_group_after_the_view_is_written_with_who_made_its_last_change_and_what()
    {
        await using var app = FunctionsApp.Start(WithKey());
        var aliceId = Unique("alice");
        var alice = app.Tokens.For(aliceId);
        var cartId = await app.CreateCartAsync(alice);
        await app.AddItemAsync(alice, cartId, quantity: 2);
        var before = _service.Received.Count;

        await app.TickAsync();

        var push = Assert.Single(_service.Received.Skip(before), r => r.Path == GroupSend(cartId));
        Assert.Equal("cartUpdated", push.Json().GetProperty("target").GetString());
        Assert.Equal(2, VersionOf(push));
        var update = push.Json().GetProperty("arguments")[0];
        Assert.Equal(aliceId, update.GetProperty("changedBy").GetString());
        Assert.Equal(("itemAdded", Espresso, 2), (update.GetProperty("change").GetProperty("type").GetString(), update.GetProperty("change").GetProperty("productId").GetString(), update.GetProperty("change").GetProperty("quantity").GetInt32()));
        await FakeSignalRService.ValidateAsync(push.Bearer, _service.Endpoint + push.Path, AccessKeySignalRAccess.RestTokenLifetime);
    }

    [Fact]
    public async Task An_acknowledged_cart_command_pushes_its_new_version_to_the_group_within_50_ms_and_the_feeds_later_push_of_it_is_the_same_view()
    {
        await using var app = FunctionsApp.Start(WithKey());
        var aliceId = Unique("alice");
        var alice = app.Tokens.For(aliceId);
        var cartId = await app.CreateCartAsync(alice);

        var response = await app.AddItemAsync(alice, cartId, quantity: 3);
        var acknowledged = Stopwatch.GetTimestamp();

        Assert.Equal(200, response.Status);
        var fast = Assert.Single(_service.Received, r => r.Path == GroupSend(cartId) && VersionOf(r) == 2);
        Assert.True(
            fast.ReceivedAt <= acknowledged + Stopwatch.Frequency / 20,
            $"The push came {Stopwatch.GetElapsedTime(acknowledged, fast.ReceivedAt).TotalMilliseconds:0} ms after the acknowledgement.");
        Assert.Equal(("POST", SignalRRestClient.ApiVersion), (fast.Method, fast.Query["api-version"]));
        await FakeSignalRService.ValidateAsync(fast.Bearer, _service.Endpoint + fast.Path, AccessKeySignalRAccess.RestTokenLifetime);
        Assert.Equal("cartUpdated", fast.Json().GetProperty("target").GetString());
        var pushed = fast.Json().GetProperty("arguments")[0];
        Assert.True(JsonElement.DeepEquals(response.Json(), WithoutChange(pushed)), "The push carries the view the command answered with.");
        Assert.Equal(aliceId, pushed.GetProperty("changedBy").GetString());
        Assert.True(
            JsonElement.DeepEquals(JsonSerializer.SerializeToElement(new { type = "itemAdded", productId = Espresso, quantity = 3 }), pushed.GetProperty("change")),
            $"The change is the command's event: {pushed.GetProperty("change")}");

        var before = _service.Received.Count;
        await app.TickAsync();

        var repeated = Assert.Single(_service.Received.Skip(before), r => r.Path == GroupSend(cartId));
        Assert.Equal(2, VersionOf(repeated));
        Assert.True(
            JsonElement.DeepEquals(fast.Json().GetProperty("arguments")[0], repeated.Json().GetProperty("arguments")[0]),
            "The feed's push of the same version is the same view, so a client that keeps the highest version sees nothing new.");
    }

    [Fact]
    public async Task A_command_answered_from_its_Idempotency_Key_after_its_own_append_was_refused_is_not_pushed_ahead_of_the_feed()
    {
        // The append lands (as another request with the same key would have made it) and yet fails
        // here: the handler answers from the stored reply, and nothing it decided itself was written.
        await using var app = FunctionsApp.Start(
            WithKey(),
            services => services.AddSingleton<IEventStore>(sp => new AppendThenConflictStore(sp.GetRequiredService<CartOrders.Storage.Sqlite.SqliteEventStore>())));
        var alice = app.Tokens.For(Unique("alice"));
        var cartId = await app.CreateCartAsync(alice);

        var response = await app.CallAsync(
            nameof(CartFunctions.AddItem), HttpMethod.Post, $"/api/carts/{cartId}/items", r => CartFunctions.AddItem(r, cartId), alice,
            new { productId = Espresso, quantity = 3 }, new Dictionary<string, string> { ["Idempotency-Key"] = "lost-append" });

        Assert.Equal((200, 2L), (response.Status, response.ETag));
        Assert.DoesNotContain(_service.Received, r => r.Path == GroupSend(cartId) && VersionOf(r) == 2);
        await app.TickAsync();
        Assert.Single(_service.Received, r => r.Path == GroupSend(cartId) && VersionOf(r) == 2);
    }

    [Fact]
    public async Task A_command_whose_push_ahead_of_the_feed_fails_is_still_acknowledged_and_the_feed_pushes_it()
    {
        await using var app = FunctionsApp.Start(WithKey(("SignalR:MaxAttempts", "1")));
        var alice = app.Tokens.For(Unique("alice"));
        var cartId = await app.CreateCartAsync(alice);
        _service.AnswerNext(500);

        var response = await app.AddItemAsync(alice, cartId);

        Assert.Equal(200, response.Status);
        var before = _service.Received.Count;
        await app.TickAsync();
        Assert.Equal(2, VersionOf(Assert.Single(_service.Received.Skip(before), r => r.Path == GroupSend(cartId))));
    }

    [Fact]
    public async Task Removing_a_collaborator_is_not_pushed_ahead_of_the_feed_which_first_takes_them_out_of_the_group()
    {
        await using var app = FunctionsApp.Start(WithKey());
        var alice = app.Tokens.For(Unique("alice"));
        var bob = Unique("bob");
        var cartId = await app.CreateCartAsync(alice);
        Assert.Equal(200, (await app.CallAsync(
            nameof(CartFunctions.AddCollaborator), HttpMethod.Post, $"/api/carts/{cartId}/collaborators",
            r => CartFunctions.AddCollaborator(r, cartId), alice, new { userId = bob })).Status);
        var before = _service.Received.Count;

        var removed = await app.CallAsync(
            nameof(CartFunctions.RemoveCollaborator), HttpMethod.Delete, $"/api/carts/{cartId}/collaborators/{bob}",
            r => CartFunctions.RemoveCollaborator(r, cartId, bob), alice);

        Assert.Equal(200, removed.Status);
        Assert.DoesNotContain(_service.Received.Skip(before), r => r.Path == GroupSend(cartId));
    }

    private static string GroupSend(string cartId) => $"/api/hubs/cartorders/groups/cart-{cartId}/:send";

    /// <summary>A cartUpdated payload without its additions to the CartView (<c>changedBy</c>, <c>change</c>).</summary>
    private static JsonElement WithoutChange(JsonElement update)
    {
        var view = System.Text.Json.Nodes.JsonNode.Parse(update.GetRawText())!.AsObject();
        Assert.True(view.Remove("changedBy") && view.Remove("change"), "cartUpdated carries changedBy and change.");
        return JsonSerializer.SerializeToElement(view);
    }

    private static long VersionOf(ReceivedRequest push) => push.Json().GetProperty("arguments")[0].GetProperty("version").GetInt64();

    private Dictionary<string, string?> WithKey(params (string Key, string Value)[] more)
    {
        var settings = new Dictionary<string, string?>
        {
            ["SignalR:ConnectionString"] = _service.ConnectionString,
            ["SignalR:RetryDelay"] = "00:00:00.010",
        };
        foreach (var (key, value) in more)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The first append with an Idempotency-Key is written, then refused as a version conflict.</summary>
    private sealed class AppendThenConflictStore(IEventStore inner) : IEventStore
    {
        private int _armed = 1;

        public int SnapshotInterval => inner.SnapshotInterval;

        public bool SnapshotIsHead => inner.SnapshotIsHead;

        public async Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
        {
            var result = await inner.AppendAsync(request, cancellationToken);
            if (request.Idempotency is not null && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                throw new WrongExpectedVersionException(request.StreamId, request.ExpectedVersion, result.NextVersion - 1);
            }

            return result;
        }

        public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default) =>
            inner.ReadStreamAsync(streamId, fromVersion, toVersion, cancellationToken);

        public Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default) =>
            inner.ReadSnapshotAsync(streamId, cancellationToken);

        public Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default) =>
            inner.FindIdempotencyAsync(streamId, key, cancellationToken);
    }

    private sealed class StaticCredential(string token) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            requestContext.Scopes.SequenceEqual([EntraIdSignalRAccess.Scope])
                ? new AccessToken(token, DateTimeOffset.UtcNow.AddHours(1))
                : throw new InvalidOperationException("Unexpected scope " + string.Join(' ', requestContext.Scopes));

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
