using System.Net;
using System.Text.Json;
using CartOrders.Server.Tests.Fixtures;
using static CartOrders.Server.Tests.Fixtures.ApiUser;

namespace CartOrders.Server.Tests;

public class CartsApiTests(ServerFixture server)
{
    [Fact]
    public async Task Creating_a_cart_answers_201_with_the_view_its_location_and_etag()
    {
        var alice = await server.UserAsync("alice");

        using var response = await alice.PostAsync("/api/carts");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var cart = await response.JsonAsync();
        var cartId = cart.GetProperty("cartId").GetString();
        Assert.Equal($"/api/carts/{cartId}", response.Headers.Location?.OriginalString);
        Assert.Equal(1, response.ETag());
        Assert.Equal(alice.UserId, cart.GetProperty("ownerId").GetString());
        Assert.Equal("open", cart.GetProperty("status").GetString());
        Assert.Equal(0, cart.GetProperty("items").GetArrayLength());
        Assert.Equal(0, cart.GetProperty("collaborators").GetArrayLength());
        Assert.Equal(0, cart.GetProperty("itemCount").GetInt32());
        Assert.Equal(0m, cart.GetProperty("total").GetDecimal());
        Assert.Equal("EUR", cart.GetProperty("currency").GetString());
        Assert.Equal(1, cart.GetProperty("version").GetInt64());
        Assert.True(cart.TryGetProperty("updatedAt", out _));
        Assert.False(cart.TryGetProperty("orderId", out _));
        Assert.False(cart.TryGetProperty("members", out _));
    }

    [Fact]
    public async Task Creating_a_cart_accepts_an_empty_json_object()
    {
        var alice = await server.UserAsync("alice");

        using var response = await alice.PostAsync("/api/carts", Raw("{}"));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task Adding_an_item_prices_it_from_the_catalog_and_adding_again_grows_the_line()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        await alice.AddItemAsync(cartId, Espresso, 2);
        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", new { productId = Espresso, quantity = 3 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, response.ETag());
        var cart = await response.JsonAsync();
        var line = Assert.Single(cart.GetProperty("items").EnumerateArray());
        Assert.Equal(Espresso, line.GetProperty("productId").GetString());
        Assert.Equal("Espresso beans, 250g", line.GetProperty("name").GetString());
        Assert.Equal(7.9m, line.GetProperty("unitPrice").GetDecimal());
        Assert.Equal(5, line.GetProperty("quantity").GetInt32());
        Assert.Equal(39.5m, line.GetProperty("lineTotal").GetDecimal());
        Assert.Equal(5, cart.GetProperty("itemCount").GetInt32());
        Assert.Equal(39.5m, cart.GetProperty("total").GetDecimal());
        Assert.Equal(3, cart.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task Setting_a_quantity_changes_the_line_and_zero_removes_it()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 2);

        using var changed = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Espresso}", new { quantity = 7 });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal(7, (await changed.JsonAsync()).GetProperty("items")[0].GetProperty("quantity").GetInt32());

        using var removed = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Espresso}", new { quantity = 0 });
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(0, (await removed.JsonAsync()).GetProperty("items").GetArrayLength());
        Assert.Equal(4, removed.ETag());
    }

    [Fact]
    public async Task Setting_the_quantity_of_a_missing_line_adds_it()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Filter}", new { quantity = 4 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = Assert.Single((await response.JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(Filter, line.GetProperty("productId").GetString());
        Assert.Equal(4, line.GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task A_command_that_changes_nothing_answers_the_current_state_without_a_new_version()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 2);

        using var response = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Espresso}", new { quantity = 2 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, response.ETag());
    }

    [Fact]
    public async Task Removing_an_item_drops_its_line()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 2);
        await alice.AddItemAsync(cartId, Filter, 1);

        using var response = await alice.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/items/{Espresso}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var line = Assert.Single((await response.JsonAsync()).GetProperty("items").EnumerateArray());
        Assert.Equal(Filter, line.GetProperty("productId").GetString());
    }

    [Fact]
    public async Task Removing_an_item_that_is_not_in_the_cart_is_404_item_not_in_cart()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/items/{Espresso}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "item-not-in-cart");
        Assert.Equal(1, response.ETag());
    }

    [Fact]
    public async Task Reading_a_cart_reflects_every_acknowledged_command()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        var written = await alice.AddItemAsync(cartId, Espresso, 3);

        using var response = await alice.GetAsync($"/api/carts/{cartId}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, response.ETag());
        Assert.Equal(written.ToString(), (await response.JsonAsync()).ToString());
    }

    [Fact]
    public async Task Reading_a_cart_at_a_version_shows_it_as_it_was()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 1);
        await alice.AddItemAsync(cartId, Filter, 1);

        using var response = await alice.GetAsync($"/api/carts/{cartId}?atVersion=2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, response.ETag());
        var cart = await response.JsonAsync();
        Assert.Equal(2, cart.GetProperty("version").GetInt64());
        Assert.Equal(Espresso, Assert.Single(cart.GetProperty("items").EnumerateArray()).GetProperty("productId").GetString());
    }

    [Fact]
    public async Task Reading_a_cart_at_a_version_past_its_stream_is_404_version_not_found()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.GetAsync($"/api/carts/{cartId}?atVersion=5");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "version-not-found");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("")]
    public async Task AtVersion_that_is_not_a_positive_integer_is_400_validation_failed(string atVersion)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.GetAsync($"/api/carts/{cartId}?atVersion={atVersion}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("atVersion", out _));
    }

    [Fact]
    public async Task Reading_a_cart_at_a_time_shows_it_as_it_was_then_with_that_version()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 1);
        await alice.AddItemAsync(cartId, Filter, 1);
        using var history = await alice.GetAsync($"/api/carts/{cartId}/events");
        var events = (await history.JsonAsync()).EnumerateArray()
            .Select(e => (Version: e.GetProperty("version").GetInt64(), At: e.GetProperty("occurredAt").GetDateTimeOffset()))
            .ToList();
        var at = events[1].At;
        var expectedVersion = events.Where(e => e.At <= at).Max(e => e.Version);

        using var response = await alice.GetAsync($"/api/carts/{cartId}?at={Uri.EscapeDataString(at.ToString("O", System.Globalization.CultureInfo.InvariantCulture))}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expectedVersion, response.ETag());
        var cart = await response.JsonAsync();
        Assert.Equal(expectedVersion, cart.GetProperty("version").GetInt64());
        Assert.Equal((int)expectedVersion - 1, cart.GetProperty("items").GetArrayLength());
        Assert.Equal(Espresso, cart.GetProperty("items")[0].GetProperty("productId").GetString());
    }

    [Fact]
    public async Task Reading_a_cart_at_a_time_before_it_existed_is_404_version_not_found()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.GetAsync($"/api/carts/{cartId}?at=2001-01-01T00:00:00Z");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "version-not-found");
    }

    [Theory]
    [InlineData("at=yesterday")]
    [InlineData("at=2026-03-01T09:00:00")]
    [InlineData("at=2026-13-01T09:00:00Z")]
    [InlineData("at=2026-03-01%2009:00:00Z")]
    [InlineData("at=")]
    [InlineData("at=2026-03-01T09:00:00Z&atVersion=1")]
    public async Task At_that_is_not_an_RFC_3339_time_is_400_validation_failed(string query)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.GetAsync($"/api/carts/{cartId}?{query}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
        Assert.True(problem.GetProperty("errors").TryGetProperty("at", out _));
    }

    [Fact]
    public async Task The_events_endpoint_lists_the_history_oldest_first()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 2);
        await alice.InviteAsync(cartId, bob);

        using var response = await alice.GetAsync($"/api/carts/{cartId}/events");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, response.ETag());
        var events = (await response.JsonAsync()).EnumerateArray().ToList();
        Assert.Equal([1L, 2L, 3L], events.Select(e => e.GetProperty("version").GetInt64()));
        Assert.Equal(["CartCreated.v1", "ItemAdded.v2", "CollaboratorAdded.v1"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.All(events, e => Assert.Equal(alice.UserId, e.GetProperty("userId").GetString()));
        Assert.All(events, e => Assert.True(Guid.TryParse(e.GetProperty("eventId").GetString(), out _)));
        Assert.All(events, e => Assert.True(e.GetProperty("occurredAt").TryGetDateTimeOffset(out _)));
        var added = events[1].GetProperty("data");
        Assert.Equal(JsonValueKind.Object, added.ValueKind);
        Assert.Equal(Espresso, added.GetProperty("productId").GetString());
        Assert.Equal(2, added.GetProperty("quantity").GetInt32());
        Assert.Equal(bob.UserId, events[2].GetProperty("data").GetProperty("userId").GetString());
    }

    [Fact]
    public async Task The_cart_list_shows_the_carts_a_user_owns_or_collaborates_on_once_projected()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var owned = await alice.CreateCartAsync();
        var shared = await bob.CreateCartAsync();
        await bob.InviteAsync(shared, alice);
        await bob.CreateCartAsync();

        await Eventually.TrueAsync(async () =>
        {
            using var response = await alice.GetAsync("/api/carts");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var ids = (await response.JsonAsync()).EnumerateArray().Select(c => c.GetProperty("cartId").GetString()).ToHashSet();
            return ids.SetEquals([owned, shared]);
        });
    }

    [Fact]
    public async Task The_owner_invites_and_removes_a_collaborator()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var cartId = await alice.CreateCartAsync();

        using var invited = await alice.PostAsync($"/api/carts/{cartId}/collaborators", new { userId = bob.UserId });
        Assert.Equal(HttpStatusCode.OK, invited.StatusCode);
        Assert.Equal([bob.UserId], (await invited.JsonAsync()).GetProperty("collaborators").EnumerateArray().Select(c => c.GetString()));

        using var removed = await alice.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/collaborators/{bob.UserId}");
        Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        Assert.Equal(0, (await removed.JsonAsync()).GetProperty("collaborators").GetArrayLength());

        using var afterwards = await bob.GetAsync($"/api/carts/{cartId}");
        await afterwards.AssertProblemAsync(HttpStatusCode.NotFound, "cart-not-found");
    }

    [Fact]
    public async Task Removing_someone_who_is_not_a_collaborator_changes_nothing()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.SendAsync(HttpMethod.Delete, $"/api/carts/{cartId}/collaborators/nobody");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, response.ETag());
    }

    [Fact]
    public async Task Inviting_the_owner_is_400_invalid_collaborator()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/collaborators", new { userId = alice.UserId });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-collaborator");
    }

    [Fact]
    public async Task A_collaborator_reads_and_edits_the_cart()
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var cartId = await alice.CreateCartAsync();
        await alice.InviteAsync(cartId, bob);

        var cart = await bob.AddItemAsync(cartId, Filter, 2);
        using var read = await bob.GetAsync($"/api/carts/{cartId}");
        using var history = await bob.GetAsync($"/api/carts/{cartId}/events");

        Assert.Equal(2, cart.GetProperty("itemCount").GetInt32());
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.OK, history.StatusCode);
        Assert.Equal(bob.UserId, (await history.JsonAsync())[2].GetProperty("userId").GetString());
    }

    public static TheoryData<string, string> OwnerOnlyCalls => new()
    {
        { "POST", "/collaborators" },
        { "DELETE", "/collaborators/someone" },
        { "POST", "/checkout" },
    };

    [Theory]
    [MemberData(nameof(OwnerOnlyCalls))]
    public async Task A_collaborator_doing_an_owner_only_call_gets_403_owner_only(string method, string path)
    {
        var alice = await server.UserAsync("alice");
        var bob = await server.UserAsync("bob");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId);
        await alice.InviteAsync(cartId, bob);
        object? body = path switch
        {
            "/collaborators" => new { userId = "carol" },
            "/checkout" => new { shippingAddress = Addresses.Valid },
            _ => null,
        };

        using var response = await bob.SendAsync(new HttpMethod(method), $"/api/carts/{cartId}{path}", body);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "owner-only");
    }

    public static TheoryData<string, string> EveryCartCall => new()
    {
        { "GET", "" },
        { "GET", "/events" },
        { "POST", "/items" },
        { "PUT", "/items/" + Espresso },
        { "DELETE", "/items/" + Espresso },
        { "POST", "/collaborators" },
        { "DELETE", "/collaborators/someone" },
        { "POST", "/checkout" },
        { "POST", "/subscriptions" },
    };

    [Theory]
    [MemberData(nameof(EveryCartCall))]
    public async Task A_stranger_gets_404_cart_not_found_for_every_cart_call_and_no_version(string method, string path)
    {
        var alice = await server.UserAsync("alice");
        var mallory = await server.UserAsync("mallory");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId);

        using var response = await mallory.SendAsync(new HttpMethod(method), $"/api/carts/{cartId}{path}", BodyFor(path));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "cart-not-found");
        Assert.Null(response.Headers.ETag);
    }

    [Theory]
    [MemberData(nameof(EveryCartCall))]
    public async Task A_missing_cart_is_404_cart_not_found(string method, string path)
    {
        var alice = await server.UserAsync("alice");

        using var response = await alice.SendAsync(new HttpMethod(method), $"/api/carts/no-such-cart{path}", BodyFor(path));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "cart-not-found");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(100)]
    public async Task Adding_a_quantity_outside_1_to_99_is_400_invalid_quantity(int quantity)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", new { productId = Espresso, quantity });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-quantity");
    }

    [Theory]
    [InlineData("100")]
    [InlineData("-1")]
    [InlineData("10000000000000")]
    [InlineData("1e30")]
    public async Task Setting_a_quantity_outside_0_to_99_is_400_invalid_quantity(string quantity)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/{Espresso}", Raw($"{{\"quantity\":{quantity}}}"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-quantity");
    }

    [Fact]
    public async Task Growing_a_line_past_99_is_400_invalid_quantity()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 60);

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", new { productId = Espresso, quantity = 40 });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid-quantity");
    }

    [Fact]
    public async Task An_unknown_product_is_422_unknown_product()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var added = await alice.PostAsync($"/api/carts/{cartId}/items", new { productId = "no-such-product", quantity = 1 });
        using var set = await alice.SendAsync(HttpMethod.Put, $"/api/carts/{cartId}/items/no-such-product", new { quantity = 1 });

        await added.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-product");
        await set.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-product");
    }

    [Fact]
    public async Task A_cart_holds_at_most_50_lines_then_409_cart_full()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        using var catalog = await alice.GetAsync("/api/products");
        var products = (await catalog.JsonAsync()).EnumerateArray().Select(p => p.GetProperty("productId").GetString()!).ToList();
        Assert.True(products.Count > 50);
        foreach (var product in products.Take(50))
        {
            await alice.AddItemAsync(cartId, product, 1);
        }

        using var response = await alice.PostAsync($"/api/carts/{cartId}/items", new { productId = products[50], quantity = 1 });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "cart-full");
    }

    [Fact]
    public async Task Checking_out_an_empty_cart_is_409_cart_empty()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();

        using var response = await alice.PostAsync($"/api/carts/{cartId}/checkout", new { shippingAddress = Addresses.Valid });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "cart-empty");
    }

    [Fact]
    public async Task Checkout_answers_202_with_the_order_id_and_its_location()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 2);

        using var response = await alice.PostAsync($"/api/carts/{cartId}/checkout", new { shippingAddress = Addresses.Valid });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var orderId = (await response.JsonAsync()).GetProperty("orderId").GetString();
        Assert.Equal($"/api/orders/{orderId}", response.Headers.Location?.OriginalString);
        Assert.Equal(3, response.ETag());
        using var cart = await alice.GetAsync($"/api/carts/{cartId}");
        var view = await cart.JsonAsync();
        Assert.Equal("checkedOut", view.GetProperty("status").GetString());
        Assert.Equal(orderId, view.GetProperty("orderId").GetString());
    }

    public static TheoryData<string, string> ChangesAfterCheckout => new()
    {
        { "POST", "/items" },
        { "PUT", "/items/" + Espresso },
        { "DELETE", "/items/" + Espresso },
        { "POST", "/collaborators" },
        { "DELETE", "/collaborators/someone" },
        { "POST", "/checkout" },
    };

    [Theory]
    [MemberData(nameof(ChangesAfterCheckout))]
    public async Task Any_change_after_checkout_is_409_cart_checked_out(string method, string path)
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 1);
        using (var checkout = await alice.PostAsync($"/api/carts/{cartId}/checkout", new { shippingAddress = Addresses.Valid }))
        {
            Assert.Equal(HttpStatusCode.Accepted, checkout.StatusCode);
        }

        using var response = await alice.SendAsync(new HttpMethod(method), $"/api/carts/{cartId}{path}", BodyFor(path));

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "cart-checked-out");
    }

    private static object? BodyFor(string path) => path switch
    {
        "/items" => new { productId = Espresso, quantity = 1 },
        "/items/" + Espresso => new { quantity = 2 },
        "/collaborators" => new { userId = "carol" },
        "/checkout" => new { shippingAddress = Addresses.Valid },
        "/subscriptions" => new { connectionId = "some-connection" },
        _ => null,
    };
}
