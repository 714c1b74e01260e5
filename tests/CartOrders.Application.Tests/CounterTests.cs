using CartOrders.Application.Commands;
using CartOrders.Application.Feed;
using CartOrders.Application.Integration;
using CartOrders.Application.Ports;
using CartOrders.Application.Projections;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

/// <summary>What the product's counters count, with the tags dashboards group them by, and what the integration publisher reads and records.</summary>
public sealed class CounterTests
{
    private static readonly ShippingAddress s_address = new("Alice", "1 Main St", "Lyon", "69001", "FR");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_command_that_writes_counts_once_and_one_that_writes_nothing_is_not_counted()
    {
        await using var h = new Harness();
        using var counters = new CounterRecorder();

        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 2));
        await h.Cart("c1", new RemoveCollaborator(Alice, Bob.UserId));
        await h.Cart("c1", new RemoveCollaborator(Alice, Bob.UserId), new CommandContext(Alice, DateTimeOffset.UtcNow, IdempotencyKey: "k", Fingerprint: "f"));

        // The third command is a no-op; the fourth writes its idempotency record.
        Assert.Equal([1L, 1L, 1L], counters.Of("cartorders.commands.appended").Select(m => m.Value));
        Assert.Empty(counters.Of("cartorders.append.conflicts"));
    }

    [Fact]
    public async Task Each_write_conflict_is_counted()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        var stale = h.NewHandler();
        await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: stale);
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));
        using var counters = new CounterRecorder();

        // The stale handler remembers version 2 while the stream is at 3: one conflict, then a write.
        var reply = await h.Cart("c1", new AddItem(Alice, Product(0), 1), handler: stale);

        Assert.Equal(4, reply.Version);
        Assert.Equal([1L], counters.Of("cartorders.append.conflicts").Select(m => m.Value));
        Assert.Equal(1, counters.Sum("cartorders.commands.appended"));
    }

    [Fact]
    public async Task Feed_events_are_counted_by_subscription_once_handled()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));
        using var counters = new CounterRecorder();
        var pump = new FeedPump(h.Feed, h.Checkpoints, h.Projector, h.Parking, NullLogger<FeedPump>.Instance);

        Assert.Equal(2, await pump.RunOnceAsync(100, Ct));
        Assert.Equal(0, await pump.RunOnceAsync(100, Ct));

        var handled = Assert.Single(counters.Of("cartorders.feed.events"));
        Assert.Equal(2, handled.Value);
        Assert.Equal("projector", handled.Tags["subscription"]);
    }

    [Theory]
    [InlineData(true, "on")]
    [InlineData(false, "off")]
    public async Task Published_events_are_counted_with_whether_publishing_is_on(bool enabled, string tag)
    {
        await using var h = await CheckedOutAsync();
        using var counters = new CounterRecorder();
        var publisher = new RecordingPublisher(enabled);

        await Handler(h, publisher, new InMemoryIntegrationPoisonSink()).HandleAsync((await h.Feed.ReadAsync(null, 100, Ct)).Events, Ct);

        Assert.Equal(["CartOrders.CartCheckedOut.v1"], publisher.Published.Select(e => e.Type));
        var published = Assert.Single(counters.Of("cartorders.integration.published"));
        Assert.Equal((1L, tag), (published.Value, published.Tags["publishing"]));
        Assert.Empty(counters.Of("cartorders.integration.poisoned"));
    }

    [Fact]
    public async Task A_batch_without_public_events_publishes_and_counts_nothing()
    {
        await using var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        using var counters = new CounterRecorder();
        var publisher = new RecordingPublisher(enabled: true);

        await Handler(h, publisher, new InMemoryIntegrationPoisonSink()).HandleAsync((await h.Feed.ReadAsync(null, 100, Ct)).Events, Ct);

        Assert.Equal(0, publisher.Calls);
        Assert.Empty(counters.Of("cartorders.integration.published"));
    }

    [Fact]
    public async Task An_event_the_broker_rejects_is_poison_counted_logged_and_recorded_with_the_brokers_reason()
    {
        await using var h = await CheckedOutAsync();
        using var counters = new CounterRecorder();
        var publisher = new RecordingPublisher(enabled: true) { Reject = "too large for a message" };
        var poison = new InMemoryIntegrationPoisonSink();
        var log = new CapturingLogger<IntegrationPublisherHandler>();
        var recordedAt = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var checkedOut = (await h.Feed.ReadAsync(null, 100, Ct)).Events[^1];

        await Handler(h, publisher, poison, new FixedTime(recordedAt), log).HandleAsync([checkedOut], Ct);

        Assert.Equal(
            new PoisonedIntegrationEvent(checkedOut.EventId.ToString("D"), "cart-c1", "CartOrders.CartCheckedOut.v1", "too large for a message", recordedAt),
            Assert.Single(poison.Recorded));
        Assert.Equal([1L], counters.Of("cartorders.integration.poisoned").Select(m => m.Value));
        Assert.Empty(counters.Of("cartorders.integration.published"));
        var error = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Equal(
            $"Integration event {checkedOut.EventId:D} (CartOrders.CartCheckedOut.v1) of cart-c1 set aside as poison: too large for a message",
            error.Message);
    }

    [Fact]
    public async Task An_unmappable_event_is_recorded_at_the_time_of_the_clock_and_counted()
    {
        await using var h = await CheckedOutAsync();
        using var counters = new CounterRecorder();
        var poison = new InMemoryIntegrationPoisonSink();
        var recordedAt = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var checkedOut = (await h.Feed.ReadAsync(null, 100, Ct)).Events[^1];
        var unreadable = checkedOut with { Data = "{"u8.ToArray() };

        await Handler(h, new RecordingPublisher(enabled: true), poison, new FixedTime(recordedAt)).HandleAsync([unreadable], Ct);

        var poisoned = Assert.Single(poison.Recorded);
        Assert.Equal((checkedOut.Type, recordedAt), (poisoned.Type, poisoned.RecordedAt));
        Assert.Equal(1, counters.Sum("cartorders.integration.poisoned"));
    }

    [Fact]
    public async Task The_publisher_reads_an_orders_placement_once_per_batch_and_nothing_for_cart_events()
    {
        await using var h = await CheckedOutAsync();
        await new OrderPlacement(h.Commands).HandleAsync((await h.Feed.ReadAsync(null, 100, Ct)).Events, Ct);
        var later = DateTimeOffset.UtcNow;
        await h.Store.AppendAsync(new AppendRequest("order-o1", 1, [Event(new PaymentAuthorized("pay-1", later)), Event(new OrderShipped("DHL", "T-1", later))]), Ct);
        var publisher = new RecordingPublisher(enabled: true);
        var batch = (await h.Feed.ReadAsync(null, 100, Ct)).Events;
        var before = h.Store.EventsRead;

        await Handler(h, publisher, new InMemoryIntegrationPoisonSink()).HandleAsync(batch, Ct);

        Assert.Equal(1, h.Store.EventsRead - before);
        Assert.Equal(
            ["CartOrders.CartCheckedOut.v1", "CartOrders.OrderPlaced.v1", "CartOrders.OrderPaymentAuthorized.v1", "CartOrders.OrderShipped.v1"],
            publisher.Published.Select(e => e.Type));
    }

    private static EventToAppend Event(IDomainEvent e) =>
        new(Guid.NewGuid(), Serialization.EventSerializer.TypeName(e), Serialization.EventSerializer.Serialize(e), new EventMetadata("alice", DateTimeOffset.UtcNow));

    private static async Task<Harness> CheckedOutAsync()
    {
        var h = new Harness();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));
        await h.Cart("c1", new CheckOut(Alice, new OrderId("o1"), s_address));
        return h;
    }

    private static IntegrationPublisherHandler Handler(
        Harness h, IIntegrationPublisher publisher, IIntegrationPoisonSink poison, TimeProvider? time = null, ILogger<IntegrationPublisherHandler>? log = null) =>
        new(publisher, poison, h.Store, time ?? TimeProvider.System, log ?? NullLogger<IntegrationPublisherHandler>.Instance);

    /// <summary>Accepts every event, or rejects every event with <see cref="Reject"/> as the reason.</summary>
    private sealed class RecordingPublisher(bool enabled) : IIntegrationPublisher
    {
        public bool IsEnabled => enabled;

        public string? Reject { get; init; }

        public List<IntegrationEvent> Published { get; } = [];

        public int Calls { get; private set; }

        public Task<PublishResult> PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken = default)
        {
            Calls++;
            if (Reject is { } reason)
            {
                return Task.FromResult(new PublishResult(0, [.. events.Select(e => new RejectedIntegrationEvent(e, reason))]));
            }

            Published.AddRange(events);
            return Task.FromResult(PublishResult.AllOf(events.Count));
        }
    }
}
