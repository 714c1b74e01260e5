using System.Text;
using System.Text.Json;
using CartOrders.Application.Commands;
using CartOrders.Application.Feed;
using CartOrders.Application.Integration;
using CartOrders.Application.Ports;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using Microsoft.Extensions.Logging.Abstractions;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

public sealed class SchemaEvolutionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EventToAppend Raw(string type, string json, DateTimeOffset? at = null) =>
        new(Guid.NewGuid(), type, Encoding.UTF8.GetBytes(json), new EventMetadata("alice", at ?? DateTimeOffset.UtcNow));

    [Fact]
    public void Every_upcaster_chain_ends_at_an_event_of_this_release()
    {
        Assert.NotEmpty(EventUpcasters.Chain.All);
        Assert.All(EventUpcasters.Chain.All, u => Assert.Contains(EventUpcasters.Chain.Target(u.From), EventSerializer.TypeNames));
        Assert.All(EventUpcasters.Chain.All, u => Assert.DoesNotContain(u.From, EventSerializer.TypeNames));
    }

    [Fact]
    public void An_event_of_an_unknown_type_is_refused_with_a_reason_naming_it()
    {
        var error = Assert.Throws<JsonException>(() => EventSerializer.Deserialize("ItemGiftWrapped.v1", "{}"u8.ToArray()));
        Assert.Contains("Unknown event type 'ItemGiftWrapped.v1'", error.Message, StringComparison.Ordinal);
        Assert.Null(EventSerializer.CurrentName("ItemGiftWrapped.v1"));
        Assert.Equal("ItemAdded.v2", EventSerializer.CurrentName("ItemAdded.v1"));
    }

    [Fact]
    public void Events_of_an_older_schema_are_read_and_shown_in_the_current_one()
    {
        var v1 = """{"productId":"mug","name":"Mug","unitPrice":12.5,"quantity":2}"""u8.ToArray();

        var added = Assert.IsType<ItemAdded>(EventSerializer.Deserialize("ItemAdded.v1", v1));
        var (type, data) = EventSerializer.ToCurrent("ItemAdded.v1", v1);

        Assert.Equal(new ItemAdded("mug", "Mug", 1250, "EUR", 2), added);
        Assert.Equal("ItemAdded.v2", type);
        Assert.Equal(added, JsonSerializer.Deserialize<ItemAdded>(data.Span, Json.Options));
        Assert.True(EventSerializer.Is<CartCheckedOut>("CartCheckedOut.v1"));
        Assert.False(IntegrationEventMapper.IsPublic("ItemAdded.v1"));
        Assert.True(IntegrationEventMapper.IsPublic("OrderPlaced.v1"));
    }

    [Fact]
    public async Task A_stream_with_an_unknown_event_is_parked_with_the_reason_and_the_others_go_on()
    {
        await using var h = new Harness();
        await h.Store.AppendAsync(new AppendRequest("cart-odd", 0, [Raw("CartCreated.v1", """{"cartId":"odd","ownerId":"alice","currency":"EUR"}"""), Raw("ItemGiftWrapped.v1", "{}")]), Ct);
        await h.Cart("fine", new CreateCart(Alice, new CartId("fine")));
        var pump = new FeedPump(h.Feed, h.Checkpoints, h.Projector, h.Parking, NullLogger<FeedPump>.Instance);

        while (await pump.RunOnceAsync(cancellationToken: Ct) > 0)
        {
        }

        var parked = await h.Parking.ListAsync(h.Projector.Subscription, Ct);
        Assert.Equal(["cart-odd", "cart-odd"], parked.Select(p => p.Event.StreamId));
        Assert.Contains("Unknown event type 'ItemGiftWrapped.v1'", parked[0].Reason, StringComparison.Ordinal);
        Assert.NotNull(await h.Views.GetAsync("cart", "fine", Ct));
    }

    [Fact]
    public async Task A_snapshot_of_an_older_schema_is_ignored_and_replaced_on_the_next_write()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));

        // A snapshot of the same version in an older shape, whose fields would misread as an empty cart.
        await h.Store.AppendAsync(
            new AppendRequest("cart-c1", 2, [], new Snapshot("cart-c1", 2, "Cart.v1", """{"cartId":"c1","ownerId":"alice","currency":"EUR","collaborators":[],"lines":[],"status":"open"}"""u8.ToArray(), DateTimeOffset.UtcNow)),
            Ct);
        Assert.Equal("Cart.v1", (await h.Store.ReadSnapshotAsync("cart-c1", Ct))!.Schema);

        var loaded = await new StreamLoader(h.Store).LoadAsync(StreamTypes.Cart, "cart-c1", cancellationToken: Ct);
        Assert.Single(loaded.State!.Lines);
        Assert.True(loaded.StaleSnapshot);

        await h.Cart("c1", new AddItem(Alice, Product(1), 1), handler: h.NewHandler());
        var replaced = await h.Store.ReadSnapshotAsync("cart-c1", Ct);
        Assert.Equal((StreamTypes.Cart.Schema, 3L), (replaced!.Schema, replaced.Version));
        Assert.Equal(2, Json.Deserialize<Cart>(replaced.State).Lines.Count);
    }
}
