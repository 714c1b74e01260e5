using CartOrders.Functions.Http;
using CartOrders.Functions.Tests.Support;
using static CartOrders.Functions.Tests.Support.Calls;

namespace CartOrders.Functions.Tests;

/// <summary>The contract's flows through the HTTP functions, on the real handlers, pipeline and embedded store.</summary>
public class CartAndOrderFunctionTests
{
    protected virtual TestStore Store => TestStore.Sqlite;

    [Fact]
    public async Task Creating_a_cart_answers_201_with_the_view_its_location_and_etag()
    {
        await using var app = await FunctionsApp.StartAsync(Store);
        var alice = Unique("alice");

        var response = await app.CallAsync(nameof(CartFunctions.CreateCart), HttpMethod.Post, "/api/carts", CartFunctions.CreateCart, app.Tokens.For(alice));

        Assert.Equal(201, response.Status);
        Assert.Equal("application/json", response.ContentType);
        var cart = response.Json();
        var cartId = cart.GetProperty("cartId").GetString();
        Assert.Equal($"/api/carts/{cartId}", response.Headers.Location.ToString());
        Assert.Equal(1, response.ETag);
        Assert.Equal(alice, cart.GetProperty("ownerId").GetString());
        Assert.Equal("open", cart.GetProperty("status").GetString());
        Assert.Equal(0, cart.GetProperty("itemCount").GetInt32());
    }

    [Fact]
    public async Task A_cart_becomes_a_placed_order_once_the_feed_pump_has_run()
    {
        await using var app = await FunctionsApp.StartAsync(Store);
        var alice = app.Tokens.For(Unique("alice"));
        var cartId = await app.CreateCartAsync(alice);

        var added = await app.AddItemAsync(alice, cartId, Espresso, 2);
        Assert.Equal(200, added.Status);
        Assert.Equal(2, added.ETag);
        Assert.Equal(15.8m, added.Json().GetProperty("total").GetDecimal());

        var read = await app.GetCartAsync(alice, cartId);
        Assert.Equal(200, read.Status);
        Assert.Equal(2, read.Json().GetProperty("itemCount").GetInt32());

        var checkout = await app.CallAsync(nameof(CartFunctions.CheckOut), HttpMethod.Post, $"/api/carts/{cartId}/checkout", r => CartFunctions.CheckOut(r, cartId), alice, Address);
        Assert.Equal(202, checkout.Status);
        var orderId = checkout.Json().GetProperty("orderId").GetString();
        Assert.Equal($"/api/orders/{orderId}", checkout.Headers.Location.ToString());

        Assert.Equal("order-not-found", (await app.GetOrderAsync(alice, orderId!)).ProblemCode());
        await app.TickAsync();

        var order = await app.GetOrderAsync(alice, orderId!);
        Assert.Equal(200, order.Status);
        Assert.Equal(1, order.ETag);
        Assert.Equal("placed", order.Json().GetProperty("status").GetString());
        Assert.Equal(cartId, order.Json().GetProperty("cartId").GetString());

        await app.TickAsync();
        var orders = await app.CallAsync(nameof(OrderFunctions.ListOrders), HttpMethod.Get, "/api/orders", OrderFunctions.ListOrders, alice);
        Assert.Equal(orderId, Assert.Single(orders.Json().EnumerateArray()).GetProperty("orderId").GetString());
        var carts = await app.CallAsync(nameof(CartFunctions.ListCarts), HttpMethod.Get, "/api/carts", CartFunctions.ListCarts, alice);
        Assert.Equal("checkedOut", Assert.Single(carts.Json().EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_stranger_gets_404_for_a_cart_and_its_events_as_if_it_did_not_exist()
    {
        await using var app = await FunctionsApp.StartAsync(Store);
        var cartId = await app.CreateCartAsync(app.Tokens.For(Unique("alice")));
        var mallory = app.Tokens.For(Unique("mallory"));

        var cart = await app.GetCartAsync(mallory, cartId);
        var events = await app.CallAsync(nameof(CartFunctions.GetCartEvents), HttpMethod.Get, $"/api/carts/{cartId}/events", r => CartFunctions.GetCartEvents(r, cartId), mallory);
        var add = await app.AddItemAsync(mallory, cartId);

        Assert.Equal((404, "cart-not-found"), (cart.Status, cart.ProblemCode()));
        Assert.Equal((404, "cart-not-found"), (events.Status, events.ProblemCode()));
        Assert.Equal((404, "cart-not-found"), (add.Status, add.ProblemCode()));
        Assert.Equal(0, cart.Headers.ETag.Count);
    }

    [Fact]
    public async Task Collaborators_edit_the_cart_but_only_the_owner_checks_out()
    {
        await using var app = await FunctionsApp.StartAsync(Store);
        var alice = app.Tokens.For(Unique("alice"));
        var bobId = Unique("bob");
        var bob = app.Tokens.For(bobId);
        var cartId = await app.CreateCartAsync(alice);

        var invited = await app.CallAsync(nameof(CartFunctions.AddCollaborator), HttpMethod.Post, $"/api/carts/{cartId}/collaborators", r => CartFunctions.AddCollaborator(r, cartId), alice, new { userId = bobId });
        var added = await app.AddItemAsync(bob, cartId, Filter, 3);
        var quantity = await app.CallAsync(nameof(CartFunctions.SetItemQuantity), HttpMethod.Put, $"/api/carts/{cartId}/items/{Filter}", r => CartFunctions.SetItemQuantity(r, cartId, Filter), bob, new { quantity = 1 });
        var checkout = await app.CallAsync(nameof(CartFunctions.CheckOut), HttpMethod.Post, $"/api/carts/{cartId}/checkout", r => CartFunctions.CheckOut(r, cartId), bob, Address);
        var removedItem = await app.CallAsync(nameof(CartFunctions.RemoveItem), HttpMethod.Delete, $"/api/carts/{cartId}/items/{Filter}", r => CartFunctions.RemoveItem(r, cartId, Filter), bob);
        var removed = await app.CallAsync(nameof(CartFunctions.RemoveCollaborator), HttpMethod.Delete, $"/api/carts/{cartId}/collaborators/{bobId}", r => CartFunctions.RemoveCollaborator(r, cartId, bobId), alice);
        var afterwards = await app.GetCartAsync(bob, cartId);

        Assert.Equal(200, invited.Status);
        Assert.Equal(200, added.Status);
        Assert.Equal(1, quantity.Json().GetProperty("itemCount").GetInt32());
        Assert.Equal((403, "owner-only"), (checkout.Status, checkout.ProblemCode()));
        Assert.Equal(0, removedItem.Json().GetProperty("itemCount").GetInt32());
        Assert.Equal(0, removed.Json().GetProperty("collaborators").GetArrayLength());
        Assert.Equal(404, afterwards.Status);
    }

    [Fact]
    public async Task The_owner_renames_the_cart_and_a_collaborator_may_not()
    {
        await using var app = await FunctionsApp.StartAsync(Store);
        var alice = app.Tokens.For(Unique("alice"));
        var bobId = Unique("bob");
        var bob = app.Tokens.For(bobId);
        var cartId = await app.CreateCartAsync(alice);
        await app.CallAsync(nameof(CartFunctions.AddCollaborator), HttpMethod.Post, $"/api/carts/{cartId}/collaborators", r => CartFunctions.AddCollaborator(r, cartId), alice, new { userId = bobId });

        var renamed = await app.CallAsync(nameof(CartFunctions.RenameCart), HttpMethod.Put, $"/api/carts/{cartId}/name", r => CartFunctions.RenameCart(r, cartId), alice, new { name = "Office coffee" });
        var refused = await app.CallAsync(nameof(CartFunctions.RenameCart), HttpMethod.Put, $"/api/carts/{cartId}/name", r => CartFunctions.RenameCart(r, cartId), bob, new { name = "Mine now" });
        var invalid = await app.CallAsync(nameof(CartFunctions.RenameCart), HttpMethod.Put, $"/api/carts/{cartId}/name", r => CartFunctions.RenameCart(r, cartId), alice, new { name = "bad\u200bname" });

        Assert.Equal((200, "Office coffee"), (renamed.Status, renamed.Json().GetProperty("name").GetString()));
        Assert.Equal((403, "owner-only"), (refused.Status, refused.ProblemCode()));
        Assert.Equal((400, "validation-failed"), (invalid.Status, invalid.ProblemCode()));
        Assert.Equal("Office coffee", (await app.GetCartAsync(bob, cartId)).Json().GetProperty("name").GetString());
    }

    [Fact]
    public async Task Operators_record_payment_and_shipment_customers_may_not()
    {
        await using var app = await FunctionsApp.StartAsync(Store);
        var alice = app.Tokens.For(Unique("alice"));
        var operatorToken = app.Tokens.For(Unique("olga"), roles: ["operator"]);
        var cartId = await app.CreateCartAsync(alice);
        await app.AddItemAsync(alice, cartId);
        var orderId = await app.CheckOutAsync(alice, cartId);
        await app.TickAsync();

        var byCustomer = await app.CallAsync(nameof(OrderFunctions.RecordPayment), HttpMethod.Post, $"/api/orders/{orderId}/payment", r => OrderFunctions.RecordPayment(r, orderId), alice, new { approved = true, reference = "pay-1" });
        var paid = await app.CallAsync(nameof(OrderFunctions.RecordPayment), HttpMethod.Post, $"/api/orders/{orderId}/payment", r => OrderFunctions.RecordPayment(r, orderId), operatorToken, new { approved = true, reference = "pay-1" });
        var shipped = await app.CallAsync(nameof(OrderFunctions.ShipOrder), HttpMethod.Post, $"/api/orders/{orderId}/shipment", r => OrderFunctions.ShipOrder(r, orderId), operatorToken, new { carrier = "DHL", trackingNumber = "123" });
        var cancel = await app.CallAsync(nameof(OrderFunctions.CancelOrder), HttpMethod.Post, $"/api/orders/{orderId}/cancel", r => OrderFunctions.CancelOrder(r, orderId), alice, new { reason = "too late" });

        Assert.Equal((403, "operator-only"), (byCustomer.Status, byCustomer.ProblemCode()));
        Assert.Equal("paymentAuthorized", paid.Json().GetProperty("status").GetString());
        Assert.Equal("shipped", shipped.Json().GetProperty("status").GetString());
        Assert.Equal((409, "invalid-order-transition"), (cancel.Status, cancel.ProblemCode()));
    }

    [Fact]
    public async Task The_catalog_and_health_need_no_token()
    {
        await using var app = await FunctionsApp.StartAsync(Store);

        var products = await app.CallAsync(nameof(PublicFunctions.ListProducts), HttpMethod.Get, "/api/products", r => Task.FromResult(PublicFunctions.ListProducts(r)));
        var health = await app.CallAsync(nameof(PublicFunctions.GetHealth), HttpMethod.Get, "/api/health", PublicFunctions.GetHealth);

        Assert.Equal(200, products.Status);
        Assert.Contains(products.Json().EnumerateArray(), p => p.GetProperty("productId").GetString() == Espresso);
        Assert.Equal(200, health.Status);
        Assert.Equal("healthy", health.Json().GetProperty("status").GetString());
        Assert.Equal(Store.ToString().ToLowerInvariant(), health.Json().GetProperty("store").GetString());
        Assert.Equal(0, health.Json().GetProperty("projectionLag").GetInt64());
        Assert.Equal("off", health.Json().GetProperty("publishing").GetString());
    }

    [Fact]
    public async Task A_bad_id_in_the_path_is_400_invalid_id()
    {
        await using var app = await FunctionsApp.StartAsync(Store);

        var response = await app.GetCartAsync(app.Tokens.For(Unique("alice")), "not valid!");

        Assert.Equal((400, "invalid-id"), (response.Status, response.ProblemCode()));
    }
}

/// <summary>The same flows with the function app on the Cosmos store.</summary>
public sealed class CartAndOrderFunctionOnCosmosTests : CartAndOrderFunctionTests
{
    protected override TestStore Store => TestStore.Cosmos;
}
