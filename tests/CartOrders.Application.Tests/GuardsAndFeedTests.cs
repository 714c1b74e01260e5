using System.Diagnostics;
using CartOrders.Application.Commands;
using CartOrders.Application.Feed;
using CartOrders.Application.Integration;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using Microsoft.Extensions.Logging.Abstractions;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

/// <summary>Arguments every entry point refuses, the subscription names checkpoints are kept under, and what a feed run reports.</summary>
public sealed class GuardsAndFeedTests
{
    private static readonly DateTimeOffset s_t0 = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Entry_points_refuse_missing_arguments()
    {
        await using var h = new Harness();
        var loaded = new Loaded<Cart>(null, 0, s_t0);

        Assert.Throws<ArgumentOutOfRangeException>(() => new StreamLoader(h.Store, -1));
        await Assert.ThrowsAsync<ArgumentNullException>(() => h.Loader.LoadAsync<Cart, CartEvent>(null!, "cart-c1", cancellationToken: Ct));
        Assert.Throws<ArgumentNullException>(() => h.Loader.TryRecall<Cart, CartEvent>(null!, "cart-c1", out _));
        Assert.Throws<ArgumentNullException>(() => h.Loader.Remember<Cart, CartEvent>(null!, "cart-c1", loaded));
        Assert.Throws<ArgumentNullException>(() => h.Loader.Remember(StreamTypes.Cart, "cart-c1", null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => h.Projector.HandleAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => new OrderPlacement(h.Commands).HandleAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Publisher(h).HandleAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => new InMemoryIntegrationPoisonSink().RecordAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => new LoggingIntegrationPublisher(NullLogger<LoggingIntegrationPublisher>.Instance).PublishAsync(null!, Ct));
        Assert.Throws<ArgumentNullException>(() => IntegrationEventMapper.Map(null!));
    }

    [Fact]
    public async Task Each_feed_handler_keeps_its_checkpoint_under_its_own_subscription_name()
    {
        await using var h = new Harness();

        Assert.Equal("projector", h.Projector.Subscription);
        Assert.Equal("order-placement", new OrderPlacement(h.Commands).Subscription);
        Assert.Equal("integration-publisher", Publisher(h).Subscription);
    }

    [Fact]
    public async Task The_poison_sink_keeps_the_latest_1000_records()
    {
        var sink = new InMemoryIntegrationPoisonSink();
        for (var i = 0; i <= InMemoryIntegrationPoisonSink.Capacity; i++)
        {
            await sink.RecordAsync(new PoisonedIntegrationEvent($"e{i}", "order-o1", "T", "bad", s_t0), Ct);
        }

        Assert.Equal(1000, sink.Recorded.Count);
        Assert.Equal("e1", sink.Recorded[0].EventId);
        Assert.Equal("e1000", sink.Recorded[^1].EventId);
    }

    [Fact]
    public async Task An_order_is_placed_for_the_cart_it_was_checked_out_from()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));
        await h.Cart("c1", new CheckOut(Alice, new OrderId("o1"), new ShippingAddress("Alice", "1 Main St", "Lyon", "69001", "FR")));

        await new OrderPlacement(h.Commands).HandleAsync((await h.Feed.ReadAsync(null, 100, Ct)).Events, Ct);

        var order = await h.Loader.LoadAsync(StreamTypes.Order, "order-o1", cancellationToken: Ct);
        Assert.Equal("c1", order.State!.CartId);
    }

    [Fact]
    public async Task An_event_that_cannot_be_mapped_is_poison_with_the_reason_and_the_rest_of_the_batch_goes_on()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));
        await h.Cart("c1", new CheckOut(Alice, new OrderId("o1"), new ShippingAddress("Alice", "1 Main St", "Lyon", "69001", "FR")));
        var checkedOut = (await h.Feed.ReadAsync(null, 100, Ct)).Events[^1];
        var unreadable = checkedOut with { StreamId = "cart-c2", EventId = Guid.NewGuid(), Data = "{"u8.ToArray() };
        var poison = new InMemoryIntegrationPoisonSink();
        await Publisher(h, poison).HandleAsync([checkedOut, unreadable], Ct);

        Assert.Single(poison.Recorded);
        var poisoned = poison.Recorded[0];
        Assert.Equal(("cart-c2", unreadable.EventId.ToString("D")), (poisoned.StreamId, poisoned.EventId));
        Assert.StartsWith("cannot be mapped: ", poisoned.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_feed_run_is_traced_under_its_subscription_with_the_size_of_its_batch()
    {
        await using var h = new Harness();

        // The listener hears every test of this process: the trace the commands name tells this run apart.
        var trace = ActivityTraceId.CreateRandom().ToHexString();
        var context = new CommandContext(Alice, DateTimeOffset.UtcNow, CorrelationId: trace);
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")), context);
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), context);
        var traced = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Telemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (traced)
                {
                    traced.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        var pump = new FeedPump(h.Feed, h.Checkpoints, h.Projector, h.Parking, NullLogger<FeedPump>.Instance);
        Assert.Equal(2, await pump.RunOnceAsync(100, Ct));

        Activity run;
        lock (traced)
        {
            run = Assert.Single(traced, a => a.OperationName == "feed projector" && a.Links.Any(l => l.Context.TraceId.ToHexString() == trace));
        }

        Assert.Equal(2, run.GetTagItem("cartorders.feed.events"));
        Assert.Equal(ActivityKind.Consumer, run.Kind);
    }

    private static IntegrationPublisherHandler Publisher(Harness h, InMemoryIntegrationPoisonSink? poison = null) =>
        new(
            new LoggingIntegrationPublisher(NullLogger<LoggingIntegrationPublisher>.Instance),
            poison ?? new InMemoryIntegrationPoisonSink(),
            h.Store,
            TimeProvider.System,
            NullLogger<IntegrationPublisherHandler>.Instance);
}
