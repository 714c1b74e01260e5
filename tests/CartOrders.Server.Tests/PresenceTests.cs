using System.Net;
using System.Text.Json;
using CartOrders.Server.Tests.Fixtures;
using Microsoft.AspNetCore.SignalR.Client;

namespace CartOrders.Server.Tests;

/// <summary>
/// Presence on the local hub (who has a cart open, pushed as <c>presence</c>) and <c>cartsChanged</c>
/// to the user whose list of carts changed, through the real SignalR client.
/// </summary>
public sealed class PresenceTests(ServerFixture server)
{
    [Fact]
    public async Task Viewers_join_and_leave_live_and_the_presence_endpoint_says_the_same()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var cartId = await alice.CreateCartAsync();
        await alice.InviteAsync(cartId, bob);
        await using var aliceHub = await HubListener.ConnectAsync(server.Factory.Server, alice);
        var seen = Record<JsonElement>(aliceHub.Connection, "presence");
        using (var joined = await aliceHub.SubscribeAsync(cartId))
        {
            Assert.Equal(HttpStatusCode.NoContent, joined.StatusCode);
        }

        var bobHub = await HubListener.ConnectAsync(server.Factory.Server, bob);
        (await bobHub.SubscribeAsync(cartId)).Dispose();
        var both = string.Join(',', new[] { alice.UserId, bob.UserId }.Order(StringComparer.Ordinal));
        await Eventually.TrueAsync(() => Task.FromResult(Users(seen, cartId).LastOrDefault() == both));
        Assert.Equal([alice.UserId, bob.UserId], (await PresenceAsync(alice, cartId)).Order(StringComparer.Ordinal));

        await bobHub.DisposeAsync();

        await Eventually.TrueAsync(() => Task.FromResult(Users(seen, cartId).LastOrDefault() == alice.UserId));
        Assert.Equal([alice.UserId], await PresenceAsync(bob, cartId));
    }

    [Fact]
    public async Task Leaving_a_cart_takes_the_connection_out_of_its_presence_and_only_the_callers_own_connection_leaves()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var cartId = await alice.CreateCartAsync();
        await alice.InviteAsync(cartId, bob);
        await using var aliceHub = await HubListener.ConnectAsync(server.Factory.Server, alice);
        await using var bobHub = await HubListener.ConnectAsync(server.Factory.Server, bob);
        (await aliceHub.SubscribeAsync(cartId)).Dispose();
        (await bobHub.SubscribeAsync(cartId)).Dispose();

        using var foreign = await bob.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/subscriptions/{aliceHub.ConnectionId}");
        Assert.Equal(HttpStatusCode.NoContent, foreign.StatusCode);
        Assert.Equal(2, (await PresenceAsync(alice, cartId)).Count);

        using var left = await bob.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/subscriptions/{bobHub.ConnectionId}");
        Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        Assert.Equal([alice.UserId], await PresenceAsync(alice, cartId));
    }

    [Fact]
    public async Task A_refresh_confirms_only_the_callers_own_connection_while_it_is_subscribed_to_the_cart()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var cartId = await alice.CreateCartAsync();
        await alice.InviteAsync(cartId, bob);
        await using var aliceHub = await HubListener.ConnectAsync(server.Factory.Server, alice);
        (await aliceHub.SubscribeAsync(cartId)).Dispose();

        using var refreshed = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/subscriptions/{aliceHub.ConnectionId}");
        using var foreign = await bob.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/subscriptions/{aliceHub.ConnectionId}");
        using var left = await alice.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/subscriptions/{aliceHub.ConnectionId}");
        using var afterLeaving = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/subscriptions/{aliceHub.ConnectionId}");

        Assert.Equal(HttpStatusCode.NoContent, refreshed.StatusCode);
        Assert.NotNull(refreshed.Headers.ETag);
        await foreign.AssertProblemAsync(HttpStatusCode.NotFound, "connection-not-found");
        Assert.Equal(HttpStatusCode.NoContent, left.StatusCode);
        await afterLeaving.AssertProblemAsync(HttpStatusCode.NotFound, "connection-not-found");
        Assert.Empty(await PresenceAsync(alice, cartId));
    }

    [Fact]
    public async Task A_stranger_sees_neither_presence_nor_may_leave_and_anonymous_callers_get_401()
    {
        var alice = await server.UserAsync("alice");
        var mallory = await server.UserAsync("mallory");
        var cartId = await alice.CreateCartAsync();

        using var presence = await mallory.GetAsync($"/api/carts/{cartId}/presence");
        using var leave = await mallory.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/subscriptions/whatever");
        using var client = server.Anonymous();
        using var anonymous = await client.GetAsync($"/api/carts/{cartId}/presence", TestContext.Current.CancellationToken);

        await presence.AssertProblemAsync(HttpStatusCode.NotFound, "cart-not-found");
        await leave.AssertProblemAsync(HttpStatusCode.NotFound, "cart-not-found");
        await anonymous.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_invited_and_the_removed_user_hear_that_their_list_changed_and_the_removed_one_leaves_the_presence()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var cartId = await alice.CreateCartAsync();
        await using var bobHub = await HubListener.ConnectAsync(server.Factory.Server, bob);
        var changes = Record<JsonElement>(bobHub.Connection, "cartsChanged");

        await alice.InviteAsync(cartId, bob);
        await Eventually.TrueAsync(() => Task.FromResult(Changes(changes, cartId).Contains("invited")));
        (await bobHub.SubscribeAsync(cartId)).Dispose();
        Assert.Contains(bob.UserId, await PresenceAsync(alice, cartId));

        using (var removed = await alice.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/collaborators/{bob.UserId}"))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }

        await Eventually.TrueAsync(() => Task.FromResult(Changes(changes, cartId).Contains("removed")));
        await Eventually.TrueAsync(async () => !(await PresenceAsync(alice, cartId)).Contains(bob.UserId));
        lock (changes)
        {
            Assert.Equal(3, changes.Last(c => c.GetProperty("cartId").GetString() == cartId).GetProperty("version").GetInt64());
        }
    }

    private static List<T> Record<T>(HubConnection connection, string message)
    {
        var seen = new List<T>();
        connection.On<T>(message, value =>
        {
            lock (seen)
            {
                seen.Add(value);
            }
        });
        return seen;
    }

    private static List<string> Users(List<JsonElement> seen, string cartId)
    {
        lock (seen)
        {
            return [.. seen.Where(p => p.GetProperty("cartId").GetString() == cartId)
                .Select(p => string.Join(',', p.GetProperty("users").EnumerateArray().Select(u => u.GetString()!).Order(StringComparer.Ordinal)))];
        }
    }

    private static List<string> Changes(List<JsonElement> seen, string cartId)
    {
        lock (seen)
        {
            return [.. seen.Where(c => c.GetProperty("cartId").GetString() == cartId).Select(c => c.GetProperty("change").GetString()!)];
        }
    }

    private static async Task<List<string>> PresenceAsync(ApiUser user, string cartId)
    {
        using var response = await user.GetAsync($"/api/carts/{cartId}/presence");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal(cartId, body.GetProperty("cartId").GetString());
        return [.. body.GetProperty("users").EnumerateArray().Select(u => u.GetString()!)];
    }
}
