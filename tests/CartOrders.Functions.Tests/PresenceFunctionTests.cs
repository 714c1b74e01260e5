using System.Text.Json;
using CartOrders.Functions.Http;
using CartOrders.Functions.Realtime;
using CartOrders.Functions.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static CartOrders.Functions.Tests.Support.Calls;

namespace CartOrders.Functions.Tests;

/// <summary>
/// Presence in serverless mode through the functions, on either store, against the stand-in SignalR
/// service: a record per cart written by subscriptions, refreshed by the page, expired after 90 s,
/// each user confirmed with "user exists in group", and <c>presence</c> sent to the group on change.
/// </summary>
public class PresenceFunctionTests : IAsyncLifetime
{
    private FakeSignalRService _service = null!;

    protected virtual TestStore Store => TestStore.Sqlite;

    public async ValueTask InitializeAsync() => _service = await FakeSignalRService.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await _service.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Presence_follows_subscriptions_refreshes_expiry_leaving_and_the_services_group_membership()
    {
        var clock = new ShiftedClock();
        await using var app = await StartAsync(clock);
        var (aliceId, alice, bobId, bob, cartId) = await SharedCartAsync(app);

        // Both open the cart: each subscription announces the new set to the group.
        Assert.Equal(204, (await app.SubscribeAsync(alice, cartId, "conn-alice")).Status);
        Assert.Equal([aliceId], LastAnnounced(cartId));
        Assert.Equal(204, (await app.SubscribeAsync(bob, cartId, "conn-bob")).Status);
        Assert.Equal(Sorted(aliceId, bobId), LastAnnounced(cartId));
        var read = await GetPresence(app, bob, cartId);
        Assert.Equal((200, 2L), (read.Status, read.ETag));
        Assert.Equal(Sorted(aliceId, bobId), Users(read.Json()));
        Assert.Contains(_service.Received, r => r.Method == "HEAD" && r.Path == $"/api/hubs/cartorders/users/{bobId}/groups/cart-{cartId}");

        // Alice's page refreshes after 60 s; bob's (closed without leaving) does not. A refresh that
        // keeps the set announces nothing; 91 s after bob's last word he is gone.
        clock.Advance(TimeSpan.FromSeconds(60));
        var announced = Announcements(cartId).Count;
        Assert.Equal(204, (await Refresh(app, alice, cartId, "conn-alice")).Status);
        Assert.Equal(announced, Announcements(cartId).Count);
        clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal([aliceId], Users((await GetPresence(app, alice, cartId)).Json()));
        Assert.Equal([aliceId], LastAnnounced(cartId));

        // Bob's page comes back: its refresh finds no entry (404, so it subscribes again).
        var expired = await Refresh(app, bob, cartId, "conn-bob");
        Assert.Equal((404, "connection-not-found"), (expired.Status, expired.ProblemCode()));
        Assert.Equal(204, (await app.SubscribeAsync(bob, cartId, "conn-bob")).Status);
        Assert.Equal(Sorted(aliceId, bobId), LastAnnounced(cartId));

        // Someone else's connection, or a closed one, is not refreshed.
        Assert.Equal(404, (await Refresh(app, bob, cartId, "conn-alice")).Status);
        _service.OpenConnections.Remove("conn-bob");
        Assert.Equal(404, (await Refresh(app, bob, cartId, "conn-bob")).Status);

        // Alice leaves: her user leaves the group, and the rest hear who is left.
        Assert.Equal(204, (await Leave(app, alice, cartId, "conn-alice")).Status);
        Assert.Contains(_service.Received, r => r.Method == "DELETE" && r.Path == $"/api/hubs/cartorders/users/{aliceId}/groups/cart-{cartId}");
        Assert.Equal([bobId], LastAnnounced(cartId));

        // A user the service no longer has in the group is not confirmed, however fresh the entry.
        _service.UsersInGroups.TryRemove((bobId, $"cart-{cartId}"), out _);
        Assert.Empty(Users((await GetPresence(app, alice, cartId)).Json()));
        Assert.Empty(LastAnnounced(cartId));
    }

    [Fact]
    public async Task Presence_and_its_endpoints_are_for_members_only_and_validate_their_ids()
    {
        await using var app = await StartAsync(new ShiftedClock());
        var alice = app.Tokens.For(Unique("alice"));
        var mallory = app.Tokens.For(Unique("mallory"));
        var cartId = await app.CreateCartAsync(alice);
        _service.OpenConnections.Add("conn-alice");
        Assert.Equal(204, (await app.SubscribeAsync(alice, cartId, "conn-alice")).Status);
        var received = _service.Received.Count;

        var stranger = await GetPresence(app, mallory, cartId);
        var strangerRefresh = await Refresh(app, mallory, cartId, "conn-alice");
        var strangerLeave = await Leave(app, mallory, cartId, "conn-alice");
        var badId = await Refresh(app, alice, cartId, "bad id!");
        var anonymous = await app.CallAsync(nameof(RealtimeFunctions.GetCartPresence), HttpMethod.Get, $"/api/carts/{cartId}/presence", r => RealtimeFunctions.GetCartPresence(r, cartId));

        Assert.Equal((404, "cart-not-found"), (stranger.Status, stranger.ProblemCode()));
        Assert.Equal((404, "cart-not-found"), (strangerRefresh.Status, strangerRefresh.ProblemCode()));
        Assert.Equal((404, "cart-not-found"), (strangerLeave.Status, strangerLeave.ProblemCode()));
        Assert.Equal((400, "invalid-id"), (badId.Status, badId.ProblemCode()));
        Assert.Equal((401, "unauthorized"), (anonymous.Status, anonymous.ProblemCode()));
        Assert.Equal(received, _service.Received.Count);
    }

    [Fact]
    public async Task A_removed_collaborator_leaves_the_presence_when_the_feed_takes_them_out_of_the_group()
    {
        await using var app = await StartAsync(new ShiftedClock());
        var (aliceId, alice, bobId, bob, cartId) = await SharedCartAsync(app);
        Assert.Equal(204, (await app.SubscribeAsync(alice, cartId, "conn-alice")).Status);
        Assert.Equal(204, (await app.SubscribeAsync(bob, cartId, "conn-bob")).Status);

        Assert.Equal(200, (await app.CallAsync(
            nameof(CartFunctions.RemoveCollaborator), HttpMethod.Delete, $"/api/carts/{cartId}/collaborators/{bobId}",
            r => CartFunctions.RemoveCollaborator(r, cartId, bobId), alice)).Status);
        await app.TickAsync();

        Assert.Equal([aliceId], LastAnnounced(cartId));
        Assert.Equal([aliceId], Users((await GetPresence(app, alice, cartId)).Json()));
    }

    [Fact]
    public async Task Without_a_SignalR_service_presence_answers_503()
    {
        await using var app = await FunctionsApp.StartAsync(Store);
        var alice = app.Tokens.For(Unique("alice"));
        var cartId = await app.CreateCartAsync(alice);

        var presence = await GetPresence(app, alice, cartId);
        var refresh = await Refresh(app, alice, cartId, "conn-alice");

        Assert.Equal((503, "realtime-unavailable"), (presence.Status, presence.ProblemCode()));
        Assert.Equal((503, "realtime-unavailable"), (refresh.Status, refresh.ProblemCode()));
    }

    private Task<FunctionsApp> StartAsync(ShiftedClock clock) =>
        FunctionsApp.StartAsync(
            Store,
            new Dictionary<string, string?>
            {
                ["SignalR:ConnectionString"] = _service.ConnectionString,
                ["SignalR:RetryDelay"] = "00:00:00.010",
            },
            services => services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));

    /// <summary>Alice's cart shared with bob; each has a connection open on the service.</summary>
    private async Task<(string AliceId, string Alice, string BobId, string Bob, string CartId)> SharedCartAsync(FunctionsApp app)
    {
        var (aliceId, bobId) = (Unique("alice"), Unique("bob"));
        var (alice, bob) = (app.Tokens.For(aliceId), app.Tokens.For(bobId));
        var cartId = await app.CreateCartAsync(alice);
        Assert.Equal(200, (await app.CallAsync(
            nameof(CartFunctions.AddCollaborator), HttpMethod.Post, $"/api/carts/{cartId}/collaborators",
            r => CartFunctions.AddCollaborator(r, cartId), alice, new { userId = bobId })).Status);
        _service.OpenConnections.UnionWith(["conn-alice", "conn-bob"]);
        return (aliceId, alice, bobId, bob, cartId);
    }

    /// <summary>Every <c>presence</c> sent to the cart's group so far, oldest first.</summary>
    private List<JsonElement> Announcements(string cartId) =>
        [.. _service.Received
            .Where(r => r.Method == "POST" && r.Path == $"/api/hubs/cartorders/groups/cart-{cartId}/:send")
            .Select(r => r.Json())
            .Where(m => m.GetProperty("target").GetString() == "presence")
            .Select(m => m.GetProperty("arguments")[0])];

    private string[] LastAnnounced(string cartId)
    {
        var last = Announcements(cartId).LastOrDefault();
        Assert.True(last.ValueKind == JsonValueKind.Object, "presence was sent to the cart's group");
        Assert.Equal(cartId, last.GetProperty("cartId").GetString());
        return Users(last);
    }

    private static string[] Users(JsonElement presence) =>
        [.. presence.GetProperty("users").EnumerateArray().Select(u => u.GetString()!)];

    private static string[] Sorted(params string[] users) => [.. users.Order(StringComparer.Ordinal)];

    private static Task<TestResponse> Refresh(FunctionsApp app, string token, string cartId, string connectionId) =>
        app.CallAsync(
            nameof(RealtimeFunctions.RefreshCartSubscription), HttpMethod.Put, $"/api/carts/{cartId}/subscriptions/{Uri.EscapeDataString(connectionId)}",
            r => RealtimeFunctions.RefreshCartSubscription(r, cartId, connectionId), token);

    private static Task<TestResponse> Leave(FunctionsApp app, string token, string cartId, string connectionId) =>
        app.CallAsync(
            nameof(RealtimeFunctions.UnsubscribeFromCart), HttpMethod.Delete, $"/api/carts/{cartId}/subscriptions/{connectionId}",
            r => RealtimeFunctions.UnsubscribeFromCart(r, cartId, connectionId), token);

    private static Task<TestResponse> GetPresence(FunctionsApp app, string token, string cartId) =>
        app.CallAsync(nameof(RealtimeFunctions.GetCartPresence), HttpMethod.Get, $"/api/carts/{cartId}/presence", r => RealtimeFunctions.GetCartPresence(r, cartId), token);
}

public sealed class PresenceOnCosmosFunctionTests : PresenceFunctionTests
{
    protected override TestStore Store => TestStore.Cosmos;
}
