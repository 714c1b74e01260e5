using System.Text;
using CartOrders.Application.Commands;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Storage.Sqlite;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

public sealed class CommandHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Harness> WithCartAsync(string cartId = "c1")
    {
        var harness = new Harness();
        await harness.Cart(cartId, new CreateCart(Alice, new CartId(cartId)));
        return harness;
    }

    [Fact]
    public async Task A_command_replies_with_the_state_right_after_it()
    {
        await using var h = await WithCartAsync();

        var reply = await h.Cart("c1", new AddItem(Alice, Product(0), 3));

        var view = Json.Deserialize<Projections.CartView>(reply.Body);
        Assert.Equal(2, reply.Version);
        Assert.Equal(2, view.Version);
        Assert.Equal(3, view.ItemCount);
        Assert.Equal(Catalog.Products[0].UnitPrice * 3, view.Total);
    }

    [Fact]
    public async Task A_no_op_appends_nothing()
    {
        await using var h = await WithCartAsync();

        var reply = await h.Cart("c1", new RemoveCollaborator(Alice, new UserId("nobody")));

        Assert.Equal(1, reply.Version);
        Assert.Single(await h.Store.ReadStreamAsync("cart-c1", cancellationToken: Ct));
    }

    [Fact]
    public async Task A_replayed_idempotency_key_returns_the_first_reply_and_appends_nothing()
    {
        await using var h = await WithCartAsync();
        var context = new CommandContext(Alice, DateTimeOffset.UtcNow, IdempotencyKey: "k-1", Fingerprint: "POST /items {mug}");

        var first = await h.Cart("c1", new AddItem(Alice, Product(0), 1), context);
        var again = await h.Cart("c1", new AddItem(Alice, Product(0), 1), context with { Now = DateTimeOffset.UtcNow.AddSeconds(5) });

        Assert.Equal(first.Body.ToArray(), again.Body.ToArray());
        Assert.Equal(first.Status, again.Status);
        Assert.Equal(2, (await h.Store.ReadStreamAsync("cart-c1", cancellationToken: Ct)).Count);
    }

    [Fact]
    public async Task The_same_key_from_another_user_is_another_command()
    {
        await using var h = await WithCartAsync();
        await h.Cart("c1", new AddCollaborator(Alice, Bob.UserId));

        await h.Cart("c1", new AddItem(Alice, Product(0), 1), new CommandContext(Alice, DateTimeOffset.UtcNow, IdempotencyKey: "k", Fingerprint: "f"));
        await h.Cart("c1", new AddItem(Bob, Product(0), 1), new CommandContext(Bob, DateTimeOffset.UtcNow, IdempotencyKey: "k", Fingerprint: "f"));

        Assert.Equal(4, (await h.Store.ReadStreamAsync("cart-c1", cancellationToken: Ct)).Count);
    }

    [Fact]
    public async Task An_idempotency_key_reused_for_a_different_request_is_refused()
    {
        await using var h = await WithCartAsync();
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), new CommandContext(Alice, DateTimeOffset.UtcNow, IdempotencyKey: "k", Fingerprint: "one"));

        await Assert.ThrowsAsync<IdempotencyKeyReusedException>(
            () => h.Cart("c1", new AddItem(Alice, Product(1), 1), new CommandContext(Alice, DateTimeOffset.UtcNow, IdempotencyKey: "k", Fingerprint: "two")));
    }

    [Fact]
    public async Task A_refusal_is_replayed_for_its_key_even_after_the_state_changed()
    {
        await using var h = await WithCartAsync();
        var context = new CommandContext(Alice, DateTimeOffset.UtcNow, IdempotencyKey: "checkout", Fingerprint: "f");
        var address = new ShippingAddress("A", "1 St", "City", "1", "FR");

        var refused = await h.Cart("c1", new CheckOut(Alice, new OrderId("o1"), address), context);
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));
        var replayed = await h.Cart("c1", new CheckOut(Alice, new OrderId("o1"), address), context);

        Assert.Equal("cart-empty", Encoding.UTF8.GetString(refused.Body.Span));
        Assert.Equal(refused.Body.ToArray(), replayed.Body.ToArray());
    }

    [Fact]
    public async Task A_pinned_version_that_moved_on_is_a_version_mismatch_with_the_current_version()
    {
        await using var h = await WithCartAsync();
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));

        var mismatch = await Assert.ThrowsAsync<VersionMismatchException>(
            () => h.Cart("c1", new AddItem(Alice, Product(0), 1), new CommandContext(Alice, DateTimeOffset.UtcNow, ExpectedVersion: 1)));

        Assert.Equal(2, mismatch.CurrentVersion);
        Assert.Equal(2, (await h.Store.ReadStreamAsync("cart-c1", cancellationToken: Ct)).Count);
    }

    [Fact]
    public async Task A_pinned_version_that_matches_is_applied()
    {
        await using var h = await WithCartAsync();

        var reply = await h.Cart("c1", new AddItem(Alice, Product(0), 1), new CommandContext(Alice, DateTimeOffset.UtcNow, ExpectedVersion: 1));

        Assert.Equal(2, reply.Version);
    }

    [Fact]
    public async Task Concurrent_commands_from_two_instances_are_re_decided_and_none_is_lost()
    {
        await using var h = await WithCartAsync();
        var instances = new[] { h.Commands, h.NewHandler(), h.NewHandler() };

        // A command that loses the race twelve times in a row answers "contention" (the client
        // retries); on a loaded machine one may. What must hold: every acknowledged command is in
        // the stream exactly once, and no refused one is.
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(
            async () =>
            {
                try
                {
                    await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: instances[i % instances.Length]);
                    return true;
                }
                catch (ContentionException)
                {
                    return false;
                }
            },
            Ct)));
        var acknowledged = outcomes.Count(ok => ok);

        Assert.True(acknowledged >= 30, $"only {acknowledged} of 60 commands were acknowledged");
        var events = await h.Store.ReadStreamAsync("cart-c1", cancellationToken: Ct);
        Assert.Equal(Enumerable.Range(1, 1 + acknowledged).Select(v => (long)v), events.Select(e => e.Version));
        var loaded = await h.Loader.LoadAsync(StreamTypes.Cart, "cart-c1", cancellationToken: Ct);
        Assert.Equal(acknowledged, loaded.State!.ItemCount);
    }

    [Fact]
    public async Task Loading_a_long_stream_reads_its_snapshot_and_not_every_event()
    {
        await using var h = await WithCartAsync();
        for (var i = 0; i < 300; i++)
        {
            await h.Cart("c1", new SetItemQuantity(Alice, Product(0), (i % 98) + 1));
        }

        var before = h.Store.EventsRead;
        var loaded = await h.Loader.LoadAsync(StreamTypes.Cart, "cart-c1", cancellationToken: Ct);

        Assert.Equal(301, loaded.Version);
        Assert.Equal(301 % SqliteEventStore.SnapshotEvery, h.Store.EventsRead - before);
        Assert.Equal((299 % 98) + 1, loaded.State!.ItemCount);
    }

    [Fact]
    public async Task The_embedded_store_takes_a_snapshot_each_time_a_stream_reaches_a_multiple_of_its_interval()
    {
        await using var h = await WithCartAsync();
        for (var i = 0; i < 39; i++)
        {
            await h.Cart("c1", new SetItemQuantity(Alice, Product(0), (i % 98) + 1));
        }

        var snapshot = await h.Store.ReadSnapshotAsync("cart-c1", Ct);

        Assert.Equal(16, SqliteEventStore.SnapshotEvery);
        Assert.Equal(32, snapshot!.Version);
        var loaded = await h.Loader.LoadAsync(StreamTypes.Cart, "cart-c1", cancellationToken: Ct);
        Assert.Equal((40, 39), (loaded.Version, loaded.State!.ItemCount));
    }

    [Theory]
    [InlineData(0, 1, 16, false)]
    [InlineData(14, 15, 16, false)]
    [InlineData(15, 16, 16, true)]
    [InlineData(14, 17, 16, true)]
    [InlineData(16, 17, 16, false)]
    [InlineData(31, 32, 16, true)]
    [InlineData(5, 6, 1, true)]
    public void An_append_carries_a_snapshot_when_it_reaches_a_multiple_of_the_interval(long from, long to, int interval, bool snapshot) =>
        Assert.Equal(snapshot, CommandHandler.ReachesSnapshot(from, to, interval));

    [Fact]
    public async Task The_state_at_an_earlier_version_is_folded_from_the_events()
    {
        await using var h = await WithCartAsync();
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));
        await h.Cart("c1", new AddItem(Alice, Product(1), 1));

        var atTwo = await h.Loader.LoadAsync(StreamTypes.Cart, "cart-c1", atVersion: 2, cancellationToken: Ct);

        Assert.Equal(2, atTwo.Version);
        Assert.Single(atTwo.State!.Lines);
    }

    [Fact]
    public async Task A_key_refused_before_its_first_write_is_visible_is_answered_with_that_write_once_it_lands()
    {
        await using var h = await WithCartAsync();
        var context = new CommandContext(Alice, DateTimeOffset.UtcNow, IdempotencyKey: "late", Fingerprint: "f");
        var first = await h.Cart("c1", new AddItem(Alice, Product(0), 1), context);
        var store = new LateVisibilityStore(h.Store, hiddenReads: 3);
        var handler = h.NewHandler(store);

        var again = await h.Cart("c1", new AddItem(Alice, Product(0), 1), context, handler);

        Assert.Equal(first.Body.ToArray(), again.Body.ToArray());
        Assert.Equal(2, (await h.Store.ReadStreamAsync("cart-c1", cancellationToken: Ct)).Count);
    }
}
