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
        Assert.Single(await h.Views.ListForMemberAsync(Projector.CartKind, "bob", Ct));
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
        Assert.Empty(await h.Views.ListForMemberAsync(Projector.CartKind, "bob", Ct));
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
        Assert.Equal("OrderPlaced.v1", Assert.Single(order).Type);
        var loaded = await h.Loader.LoadAsync(StreamTypes.Order, "order-o1", cancellationToken: Ct);
        Assert.Equal("alice", loaded.State!.CustomerId);
        Assert.Equal(Catalog.Products[0].UnitPrice * 2, loaded.State.Total);

        await DrainAsync(Pump(h, h.Projector));
        Assert.Equal("placed", Assert.Single(h.Notifier.Orders).Status);
        Assert.Single(await h.Views.ListForMemberAsync(Projector.OrderKind, "alice", Ct));
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
        private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
        private int _count;

        public string Subscription => "seen";

        public Task Reached(int count)
        {
            lock (_waiters)
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, done));
                if (_count >= count)
                {
                    done.TrySetResult();
                }

                return done.Task;
            }
        }

        public Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            lock (_waiters)
            {
                _count += events.Count;
                foreach (var (count, done) in _waiters.Where(w => _count >= w.Count))
                {
                    done.TrySetResult();
                }
            }

            return Task.CompletedTask;
        }
    }
}
