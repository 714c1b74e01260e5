using System.Net;
using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Server.Tests;

/// <summary>Cart names: optional at creation, changed by the owner only, validated like every input.</summary>
public sealed class CartNameTests(ServerFixture server)
{
    [Fact]
    public async Task A_cart_created_with_a_name_shows_it_and_its_history_records_the_naming()
    {
        var alice = await server.UserAsync("alice");

        using var response = await alice.PostAsync("/api/carts", new { name = "  Office coffee  " });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var cart = await response.JsonAsync();
        Assert.Equal("Office coffee", cart.GetProperty("name").GetString());
        var cartId = cart.GetProperty("cartId").GetString()!;
        var history = await alice.HistoryAsync(cartId);
        Assert.Equal(["CartCreated.v1", "CartRenamed.v1"], history.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal("Office coffee", history[1].GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_cart_created_without_a_name_has_none_in_its_view()
    {
        var alice = await server.UserAsync("alice");

        using var response = await alice.PostAsync("/api/carts", new { name = (string?)null });

        var cart = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.False(cart.TryGetProperty("name", out _));
    }

    [Fact]
    public async Task The_owner_renames_the_cart_and_the_same_name_again_changes_nothing()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var renamed = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/name", new { name = "Weekend 🎉 café" });
        using var again = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/name", new { name = "Weekend 🎉 café" });
        using var read = await alice.GetAsync($"/api/carts/{cartId}");

        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        Assert.Equal(2, renamed.ETag());
        Assert.Equal(2, again.ETag());
        Assert.Equal("Weekend 🎉 café", (await read.JsonAsync()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task A_collaborator_may_not_rename_and_a_stranger_does_not_see_the_cart()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var mallory = await server.UserAsync("mallory");
        var cartId = await alice.CreateCartAsync();
        await alice.InviteAsync(cartId, bob);

        using var byBob = await bob.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/name", new { name = "Bob's" });
        using var byMallory = await mallory.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/name", new { name = "Mallory's" });

        await byBob.AssertProblemAsync(HttpStatusCode.Forbidden, "owner-only");
        await byMallory.AssertProblemAsync(HttpStatusCode.NotFound, "cart-not-found");
        Assert.Equal(["CartCreated.v1", "CollaboratorAdded.v1"], (await alice.HistoryAsync(cartId)).Select(e => e.GetProperty("type").GetString()));
    }

    public static TheoryData<string> BadNames => new()
    {
        "",
        "   ",
        "tab\there",
        "zero\u200bwidth",
        "bidi \u202eoverride",
        "private \ue000 use",
        new string('n', 101),
        string.Concat(Enumerable.Repeat("🎉", 101)),
    };

    [Theory]
    [MemberData(nameof(BadNames))]
    public async Task A_name_that_is_not_1_to_100_printable_characters_is_refused_and_changes_nothing(string name)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var rename = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/name", new { name });
        using var create = await alice.PostAsync("/api/carts", new { name });

        var problem = await rename.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        await create.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.Single(await alice.HistoryAsync(cartId));
    }

    [Fact]
    public async Task A_name_of_exactly_100_characters_outside_the_basic_plane_is_taken()
    {
        var alice = await server.UserAsync("alice");
        var name = string.Concat(Enumerable.Repeat("🎉", 100));

        using var create = await alice.PostAsync("/api/carts", new { name });

        Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        Assert.Equal(name, (await create.JsonAsync()).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Renaming_needs_a_name_and_a_checked_out_cart_cannot_be_renamed()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var missing = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/name", new { title = "x" });
        await missing.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        await alice.AddItemAsync(cartId);
        await alice.CheckOutAsync(cartId);
        using var late = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/name", new { name = "Too late" });

        await late.AssertProblemAsync(HttpStatusCode.Conflict, "cart-checked-out");
    }

    [Fact]
    public async Task The_cart_list_shows_the_name()
    {
        var alice = await server.UserAsync("alice");
        using var created = await alice.PostAsync("/api/carts", new { name = "Listed" });
        var cartId = (await created.JsonAsync()).GetProperty("cartId").GetString();

        await Eventually.TrueAsync(async () =>
        {
            using var list = await alice.GetAsync("/api/carts?limit=200");
            var items = (await list.JsonAsync()).GetProperty("items").EnumerateArray();
            return items.Any(c => c.GetProperty("cartId").GetString() == cartId && c.TryGetProperty("name", out var n) && n.GetString() == "Listed");
        });
    }
}
