using CartOrders.Application.Commands;
using CartOrders.Application.Projections;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

/// <summary>
/// The state a process remembers of a stream saves the reads of its next command and of its
/// projection, and is never trusted where another instance may have moved the stream on.
/// </summary>
public sealed class RememberedStateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Commands_on_a_stream_this_process_wrote_last_read_nothing_from_the_store()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        var (snapshots, events) = (h.Store.SnapshotsRead, h.Store.EventsRead);

        for (var i = 1; i <= 5; i++)
        {
            await h.Cart("c1", new AddItem(Alice, Product(0), 1));
        }

        Assert.Equal(0, h.Store.SnapshotsRead - snapshots);
        Assert.Equal(0, h.Store.EventsRead - events);
        var stored = await h.Loader.LoadAsync(StreamTypes.Cart, "cart-c1", cancellationToken: Ct);
        Assert.Equal((6, 5), (stored.Version, stored.State!.ItemCount));
    }

    [Fact]
    public async Task A_state_another_instance_moved_on_is_caught_by_the_append_and_the_command_decided_again()
    {
        await using var h = new Harness();
        var other = h.NewHandler();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: other);

        var reply = await h.Cart("c1", new AddItem(Alice, Product(0), 1));

        Assert.Equal(3, reply.Version);
        Assert.Equal(2, Json.Deserialize<CartView>(reply.Body).ItemCount);
        Assert.Equal([1L, 2, 3], (await h.Store.ReadStreamAsync("cart-c1", cancellationToken: Ct)).Select(e => e.Version));
    }

    [Fact]
    public async Task A_refusal_is_never_decided_on_a_remembered_state_alone()
    {
        await using var h = new Harness();
        var other = h.NewHandler();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: other);

        // This instance remembers the cart without the item, which the store has.
        var reply = await h.Cart("c1", new RemoveItem(Alice, Product(0)));

        Assert.Equal(200, reply.Status);
        Assert.Equal(3, reply.Version);
        Assert.Equal(0, Json.Deserialize<CartView>(reply.Body).ItemCount);
    }

    [Fact]
    public async Task A_pinned_version_the_remembered_state_has_not_reached_is_checked_against_the_store()
    {
        await using var h = new Harness();
        var other = h.NewHandler();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: other);

        var reply = await h.Cart("c1", new AddItem(Alice, Product(1), 1), new CommandContext(Alice, DateTimeOffset.UtcNow, ExpectedVersion: 2));

        Assert.Equal(3, reply.Version);
    }

    [Fact]
    public async Task A_pinned_version_behind_the_remembered_state_is_still_a_mismatch()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));

        var mismatch = await Assert.ThrowsAsync<VersionMismatchException>(
            () => h.Cart("c1", new AddItem(Alice, Product(1), 1), new CommandContext(Alice, DateTimeOffset.UtcNow, ExpectedVersion: 1)));

        Assert.Equal(2, mismatch.CurrentVersion);
    }

    [Fact]
    public async Task The_projector_takes_the_state_the_command_left_and_loads_when_the_feed_is_ahead_of_it()
    {
        await using var h = new Harness();
        var here = h.NewHandler(loader: h.Loader);
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")), handler: here);
        await h.Cart("c1", new AddItem(Alice, Product(0), 2), handler: here);
        var first = await h.Feed.ReadAsync(null, 100, Ct);
        var snapshots = h.Store.SnapshotsRead;

        await h.Projector.HandleAsync(first.Events, Ct);

        Assert.Equal(0, h.Store.SnapshotsRead - snapshots);
        Assert.Equal(2, (await h.Views.GetAsync(Projector.CartKind, "c1", Ct))!.Version);

        // Another instance writes: what this process remembers is now behind the feed.
        await h.Cart("c1", new AddItem(Alice, Product(1), 1), handler: h.NewHandler());
        var next = await h.Feed.ReadAsync(first.Checkpoint, 100, Ct);
        await h.Projector.HandleAsync(next.Events, Ct);

        var view = Json.Deserialize<CartView>((await h.Views.GetAsync(Projector.CartKind, "c1", Ct))!.Json);
        Assert.Equal((3, 3), (view.Version, view.ItemCount));
        Assert.Equal(3, h.Notifier.Carts[^1].Version);
    }

    [Fact]
    public async Task Remembering_can_be_turned_off()
    {
        await using var h = new Harness();
        using var loader = new StreamLoader(h.Store, capacity: 0);
        var handler = h.NewHandler(loader: loader);
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")), handler: handler);
        var snapshots = h.Store.SnapshotsRead;

        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: handler);

        Assert.Equal(1, h.Store.SnapshotsRead - snapshots);
        Assert.False(loader.TryRecall(StreamTypes.Cart, "cart-c1", out _));
    }

    [Fact]
    public async Task A_state_heavier_than_the_capacity_is_not_kept()
    {
        await using var h = new Harness();
        using var loader = new StreamLoader(h.Store, capacity: 3);
        var handler = h.NewHandler(loader: loader);
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")), handler: handler);
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: handler);
        Assert.True(loader.TryRecall(StreamTypes.Cart, "cart-c1", out var small));
        Assert.Equal(2, small.Version);

        // Three lines: the cart now weighs 4, more than the whole capacity.
        await h.Cart("c1", new AddItem(Alice, Product(1), 1), handler: handler);
        await h.Cart("c1", new AddItem(Alice, Product(2), 1), handler: handler);

        Assert.False(loader.TryRecall(StreamTypes.Cart, "cart-c1", out _));
        var reply = await h.Cart("c1", new AddItem(Alice, Product(2), 1), handler: handler);
        Assert.Equal((5, 4), (reply.Version, Json.Deserialize<CartView>(reply.Body).ItemCount));
    }
}
