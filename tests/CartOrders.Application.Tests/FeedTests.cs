using CartOrders.Application.Commands;
using CartOrders.Application.Feed;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Application.Serialization;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using Microsoft.Extensions.Logging.Abstractions;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

public sealed class FeedTests
{
    private static readonly ShippingAddress s_address = new("Alice", "1 Main St", "Lyon", "69001", "FR");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static FeedPump Pump(Harness h, IFeedHandler handler) => new(h.Feed, h.Checkpoints, handler, h.Parking, NullLogger<FeedPump>.Instance);

    private static async Task DrainAsync(FeedPump pump)
    {
        while (await pump.RunOnceAsync(50, Ct) > 0)
        {
        }
    }

    [Fact]
    public async Task The_projector_writes_views_lists_them_for_members_and_pushes_after_each_write()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddCollaborator(Alice, Bob.UserId));
        await h.Cart("c1", new AddItem(Bob, Product(0), 2));

        await DrainAsync(Pump(h, h.Projector));

        var doc = await h.Views.GetAsync(Projector.CartKind, "c1", Ct);
        Assert.Equal(3, doc?.Version);
        Assert.Equal(2, Json.Deserialize<CartView>(doc!.Json).ItemCount);
        Assert.Single((await h.Views.ListForMemberAsync(Projector.CartKind, "bob", PageRequest.First(50), Ct)).Items);
        Assert.Equal(3, Assert.Single(h.Notifier.Carts).Version);
    }

    [Fact]
    public async Task Replaying_a_batch_writes_and_pushes_nothing_new()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        var batch = await h.Feed.ReadAsync(null, 100, Ct);

        await h.Projector.HandleAsync(batch.Events, Ct);
        await h.Projector.HandleAsync(batch.Events, Ct);

        Assert.Single(h.Notifier.Carts);
    }

    [Fact]
    public async Task Removing_a_collaborator_stops_their_pushes()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddCollaborator(Alice, Bob.UserId));
        await h.Cart("c1", new RemoveCollaborator(Alice, Bob.UserId));

        await DrainAsync(Pump(h, h.Projector));

        Assert.Equal(("c1", "bob"), Assert.Single(h.Notifier.Removed));
        Assert.Equal(("bob", new CartsChange("c1", CartsChange.Removed, 3)), Assert.Single(h.Notifier.ListChanges));
        Assert.Empty((await h.Views.ListForMemberAsync(Projector.CartKind, "bob", PageRequest.First(50), Ct)).Items);
    }

    [Fact]
    public async Task An_invited_user_hears_that_their_list_changed_and_so_does_everyone_when_the_cart_is_abandoned()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await DrainAsync(Pump(h, h.Projector));
        await h.Cart("c1", new AddCollaborator(Alice, Bob.UserId));
        await DrainAsync(Pump(h, h.Projector));

        Assert.Equal(("bob", new CartsChange("c1", CartsChange.Invited, 2)), Assert.Single(h.Notifier.ListChanges));

        await h.Cart("c1", new AbandonCart(new Actor(new UserId("cartorders-abandonment")), DateTimeOffset.UnixEpoch));
        await DrainAsync(Pump(h, h.Projector));

        Assert.Equal(
            [("alice", new CartsChange("c1", CartsChange.Abandoned, 3)), ("bob", new CartsChange("c1", CartsChange.Abandoned, 3))],
            h.Notifier.ListChanges.Skip(1).OrderBy(c => c.UserId, StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_checked_out_cart_becomes_one_order_even_when_the_event_is_delivered_twice()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 2));
        await h.Cart("c1", new CheckOut(Alice, new OrderId("o1"), s_address));
        var placement = new OrderPlacement(h.Commands);
        var batch = await h.Feed.ReadAsync(null, 100, Ct);

        await placement.HandleAsync(batch.Events, Ct);
        await placement.HandleAsync(batch.Events, Ct);

        var order = await h.Store.ReadStreamAsync("order-o1", cancellationToken: Ct);
        Assert.Equal("OrderPlaced.v2", Assert.Single(order).Type);
        var loaded = await h.Loader.LoadAsync(StreamTypes.Order, "order-o1", cancellationToken: Ct);
        Assert.Equal("alice", loaded.State!.CustomerId);
        Assert.Equal(Money.ToMinor(Catalog.Products[0].UnitPrice, "EUR") * 2, loaded.State.TotalMinor);

        await DrainAsync(Pump(h, h.Projector));
        Assert.Equal("placed", Assert.Single(h.Notifier.Orders).Status);
        Assert.Single((await h.Views.ListForMemberAsync(Projector.OrderKind, "alice", PageRequest.First(50), Ct)).Items);
    }

    [Fact]
    public async Task A_failing_handler_leaves_the_checkpoint_where_it_was_and_the_batch_is_delivered_again()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        var flaky = new FlakyHandler(failures: 1);
        var pump = Pump(h, flaky);

        await Assert.ThrowsAsync<TimeoutException>(() => pump.RunOnceAsync(10, Ct));
        Assert.Null(await h.Checkpoints.LoadAsync(flaky.Subscription, Ct));
        Assert.Equal(1, await pump.LagAsync(Ct));

        Assert.Equal(1, await pump.RunOnceAsync(10, Ct));
        Assert.Equal(0, await pump.LagAsync(Ct));
        Assert.Equal(2, flaky.Deliveries);
    }

    [Fact]
    public async Task A_pump_service_follows_appends_as_they_happen()
    {
        await using var h = new Harness();
        var seen = new SeenHandler();
        using var service = new FeedPumpService(Pump(h, seen), NullLogger<FeedPumpService>.Instance);
        await service.StartAsync(Ct);

        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));

        await seen.Reached(2).WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await service.StopAsync(Ct);
        Assert.Equal("2", await h.Checkpoints.LoadAsync(seen.Subscription, Ct));
    }

    [Fact]
    public async Task A_stream_that_fails_for_good_is_parked_with_its_reason_and_the_other_streams_go_on_in_order()
    {
        await using var h = new Harness();
        foreach (var id in new[] { "a", "bad", "b" })
        {
            await h.Cart(id, new CreateCart(Alice, new CartId(id)));
            await h.Cart(id, new AddItem(Alice, Product(0), 1));
        }

        var picky = new PickyHandler("cart-bad");
        var pump = Pump(h, picky);
        await DrainAsync(pump);

        // A later event of the parked stream is parked too, so its order is kept.
        await h.Cart("bad", new AddItem(Alice, Product(1), 1));
        await h.Cart("a", new AddItem(Alice, Product(1), 1));
        await DrainAsync(pump);

        Assert.Equal([1L, 2L, 3L], picky.Handled("cart-a"));
        Assert.Equal([1L, 2L], picky.Handled("cart-b"));
        Assert.Empty(picky.Handled("cart-bad"));
        var parked = await h.Parking.ListAsync(picky.Subscription, Ct);
        Assert.Equal([1L, 2L, 3L], parked.Select(p => p.Event.Version));
        Assert.Contains("cannot handle cart-bad", parked[0].Reason, StringComparison.Ordinal);
        Assert.Equal(0, await pump.LagAsync(Ct));

        // Once the cause is fixed, a replay hands the stream over in order and releases it.
        picky.Refuse = null;
        var replay = await new ParkedEventReplayer(h.Parking).ReplayAsync(picky, Ct);
        Assert.True(Assert.Single(replay).Succeeded);
        Assert.Equal([1L, 2L, 3L], picky.Handled("cart-bad"));
        Assert.Empty(await h.Parking.ListAsync(picky.Subscription, Ct));

        await h.Cart("bad", new AddItem(Alice, Product(2), 1));
        await DrainAsync(pump);
        Assert.Equal([1L, 2L, 3L, 4L], picky.Handled("cart-bad"));
    }

    [Fact]
    public async Task A_transient_failure_parks_nothing()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        var pump = Pump(h, new FlakyHandler(failures: 1));

        await Assert.ThrowsAsync<TimeoutException>(() => pump.RunOnceAsync(10, Ct));

        Assert.Empty(await h.Parking.ListAsync(null, Ct));
    }

    [Fact]
    public async Task Transient_and_permanent_failures_in_the_same_batches_across_many_streams_lose_and_reorder_nothing_of_the_other_streams()
    {
        await using var h = new Harness();
        const int streams = 20;
        const int eventsPerStream = 4;
        for (var v = 0; v < eventsPerStream; v++)
        {
            for (var i = 0; i < streams; i++)
            {
                var id = $"s{i}";
                await h.Cart(id, v == 0 ? new CreateCart(Alice, new CartId(id)) : new AddItem(Alice, Product(v), 1));
            }
        }

        // Streams 3 and 11 fail for good; 7 and 15 fail transiently three and two times (also when
        // the pump narrows a permanent failure down stream by stream); the rest always succeed.
        var handler = new MixedFaultsHandler(
            permanent: ["cart-s3", "cart-s11"],
            transient: new Dictionary<string, int> { ["cart-s7"] = 3, ["cart-s15"] = 2 });
        var pump = Pump(h, handler);
        var transientFailures = 0;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                if (await pump.RunOnceAsync(25, Ct) == 0)
                {
                    break;
                }
            }
            catch (TimeoutException)
            {
                transientFailures++;
            }
        }

        Assert.Equal(5, transientFailures);
        Assert.Equal(0, await pump.LagAsync(Ct));
        var parked = await h.Parking.ListAsync(handler.Subscription, Ct);
        Assert.Equal(
            new[] { "cart-s11", "cart-s3" }.SelectMany(s => Enumerable.Range(1, eventsPerStream).Select(v => (s, (long)v))),
            parked.Select(p => (p.Event.StreamId, p.Event.Version)).Order());
        for (var i = 0; i < streams; i++)
        {
            var stream = $"cart-s{i}";
            var deliveries = handler.Deliveries(stream);
            if (stream is "cart-s3" or "cart-s11")
            {
                Assert.Empty(deliveries);
                continue;
            }

            // At least once, and in order: each delivery holds consecutive versions, and a version is
            // first seen only after every version before it.
            var seen = 0L;
            foreach (var delivery in deliveries)
            {
                Assert.Equal(Enumerable.Range((int)delivery[0], delivery.Length).Select(v => (long)v), delivery);
                Assert.True(delivery[0] <= seen + 1, $"{stream}: version {delivery[0]} delivered before {seen + 1}");
                seen = Math.Max(seen, delivery[^1]);
            }

            Assert.Equal(eventsPerStream, seen);
        }
    }

    /// <summary>Fails a batch transiently while it holds a stream with failures left, permanently while it holds a refused stream.</summary>
    private sealed class MixedFaultsHandler(string[] permanent, Dictionary<string, int> transient) : IFeedHandler
    {
        private readonly List<StoredEvent[]> _deliveries = [];

        public string Subscription => "mixed";

        public long[][] Deliveries(string stream) => [.. _deliveries
            .Select(d => d.Where(e => e.StreamId == stream).Select(e => e.Version).ToArray())
            .Where(d => d.Length > 0)];

        public Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            if (events.Select(e => e.StreamId).Distinct().FirstOrDefault(s => transient.TryGetValue(s, out var left) && left > 0) is { } flaky)
            {
                transient[flaky]--;
                throw new TimeoutException($"{flaky} timed out");
            }

            if (events.FirstOrDefault(e => permanent.Contains(e.StreamId)) is { } bad)
            {
                throw new PermanentFeedException($"cannot handle {bad.StreamId}");
            }

            _deliveries.Add([.. events]);
            return Task.CompletedTask;
        }
    }

    private sealed class PickyHandler(string refuse) : IFeedHandler
    {
        private readonly List<StoredEvent> _handled = [];

        public string? Refuse { get; set; } = refuse;

        public string Subscription => "picky";

        public long[] Handled(string stream) => [.. _handled.Where(e => e.StreamId == stream).Select(e => e.Version)];

        public Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            if (events.Any(e => e.StreamId == Refuse))
            {
                throw new PermanentFeedException($"cannot handle {Refuse}");
            }

            _handled.AddRange(events);
            return Task.CompletedTask;
        }
    }

    private sealed class FlakyHandler(int failures) : IFeedHandler
    {
        private int _failures = failures;

        public int Deliveries { get; private set; }

        public string Subscription => "flaky";

        public Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            Deliveries++;
            return _failures-- > 0 ? throw new TimeoutException("transient") : Task.CompletedTask;
        }
    }

    private sealed class SeenHandler : IFeedHandler
    {
        private readonly WaitableCount _seen = new();

        public string Subscription => "seen";

        public Task Reached(int count) => _seen.Reached(count);

        public Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            _seen.Add(events.Count);
            return Task.CompletedTask;
        }
    }
}
