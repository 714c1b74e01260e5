using System.Text;
using System.Text.Json;
using Azure.Messaging.ServiceBus;
using CartOrders.Application.Feed;
using CartOrders.Application.Integration;
using CartOrders.Application.Ports;
using CartOrders.Domain.Carts;
using CartOrders.Domain.Orders;
using CartOrders.Messaging.ServiceBus.Tests.Fakes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static CartOrders.Messaging.ServiceBus.Tests.TestEvents;

namespace CartOrders.Messaging.ServiceBus.Tests;

/// <summary>The publisher as the feed drives it: the real FeedPump over in-memory feed and checkpoints.</summary>
public sealed class IntegrationPublisherHandlerTests : IAsyncDisposable
{
    private readonly InMemoryEventFeed _feed = new();
    private readonly InMemoryEventStore _store = new();
    private readonly InMemoryCheckpointStore _checkpoints = new();
    private readonly InMemoryIntegrationPoisonSink _poison = new();
    private readonly CapturingLogger<IntegrationPublisherHandler> _log = new();
    private readonly FakeServiceBusSender _sender = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Publishes_only_the_public_events_in_feed_order()
    {
        Append(CartToPaidOrder());

        await Pump().RunOnceAsync(cancellationToken: Cancel);

        Assert.Equal(
            ["CartOrders.CartCheckedOut.v1", "CartOrders.OrderPlaced.v1", "CartOrders.OrderPaymentAuthorized.v1"],
            _sender.Sent.Select(m => m.Subject));
        Assert.Equal(_feed.Events.Skip(3).Select(e => e.EventId.ToString("D")), _sender.Sent.Select(m => m.MessageId));
        Assert.Equal([CartStream, OrderStream, OrderStream], _sender.Sent.Select(m => m.SessionId));
    }

    [Fact]
    public async Task Checkpoint_moves_only_after_the_broker_accepted_the_batch()
    {
        Append(CartToPaidOrder());
        string? checkpointWhileSending = "not sent";
        _sender.OnSend = () => checkpointWhileSending = _checkpoints[IntegrationPublisherHandler.SubscriptionName];

        await Pump().RunOnceAsync(cancellationToken: Cancel);

        Assert.Null(checkpointWhileSending);
        Assert.Equal("6", _checkpoints[IntegrationPublisherHandler.SubscriptionName]);
    }

    [Fact]
    public async Task Checkpoint_is_not_advanced_when_publishing_fails()
    {
        Append(CartToPaidOrder());
        var pump = Pump();
        _sender.SendFailures.Enqueue(new ServiceBusException("unauthorized", ServiceBusFailureReason.GeneralError));

        await Assert.ThrowsAsync<ServiceBusException>(() => pump.RunOnceAsync(cancellationToken: Cancel));

        Assert.Null(_checkpoints[IntegrationPublisherHandler.SubscriptionName]);
        Assert.Empty(_sender.Sent);

        await pump.RunOnceAsync(cancellationToken: Cancel);

        Assert.Equal("6", _checkpoints[IntegrationPublisherHandler.SubscriptionName]);
        Assert.Equal(3, _sender.Sent.Count);
    }

    [Fact]
    public async Task Checkpoint_is_not_advanced_when_transient_failures_outlast_the_retries()
    {
        Append(CartToPaidOrder());
        for (var i = 0; i < 3; i++)
        {
            _sender.SendFailures.Enqueue(new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy));
        }

        await Assert.ThrowsAsync<ServiceBusException>(() => Pump().RunOnceAsync(cancellationToken: Cancel));

        Assert.Null(_checkpoints[IntegrationPublisherHandler.SubscriptionName]);
    }

    [Fact]
    public async Task Redelivery_after_a_crash_produces_the_same_message_ids()
    {
        Append(CartToPaidOrder());
        var pump = Pump();
        _checkpoints.CrashOnNextSave = true;

        await Assert.ThrowsAsync<InvalidOperationException>(() => pump.RunOnceAsync(cancellationToken: Cancel));
        await pump.RunOnceAsync(cancellationToken: Cancel);

        Assert.Equal(2, _sender.SentBatches.Count);
        Assert.Equal(3, _sender.SentBatches[0].Count);
        Assert.Equal(_sender.SentBatches[0].Select(m => m.MessageId), _sender.SentBatches[1].Select(m => m.MessageId));
        Assert.Equal(_sender.SentBatches[0].Select(m => m.SessionId), _sender.SentBatches[1].Select(m => m.SessionId));
        Assert.Equal(_sender.SentBatches[0].Select(m => m.Body.ToString()), _sender.SentBatches[1].Select(m => m.Body.ToString()));
    }

    [Fact]
    public async Task Order_event_carries_the_customer_read_from_the_order_placement()
    {
        var history = CartToPaidOrder();
        _store.Events.AddRange(history);
        _feed.Events.Add(Stored(OrderStream, 3, new OrderShipped("DHL", "TRACK-1", Later)));

        await Pump().RunOnceAsync(cancellationToken: Cancel);

        using var body = JsonDocument.Parse(Assert.Single(_sender.Sent).Body.ToMemory());
        Assert.Equal("alice", body.RootElement.GetProperty("data").GetProperty("customerId").GetString());
    }

    [Fact]
    public async Task Correlation_id_of_the_command_is_the_messages_correlation_id()
    {
        Append([Stored(CartStream, 4, CheckedOut, correlationId: "req-77")]);

        await Pump().RunOnceAsync(cancellationToken: Cancel);

        Assert.Equal("req-77", Assert.Single(_sender.Sent).CorrelationId);
    }

    [Fact]
    public async Task Oversize_event_is_recorded_as_poison_and_the_stream_moves_on()
    {
        var sender = new FakeServiceBusSender(batchBudgetBytes: 4096);
        var bigLines = Enumerable.Range(1, 100).Select(i => new CartLine($"product-{i}", new string('n', 60), 100, 1)).ToList();
        var bigPlacement = Placed with { Lines = bigLines };
        var big = Stored("order-o2", 1, bigPlacement with { OrderId = "o2" });
        Append([Stored(CartStream, 4, CheckedOut), big, Stored(OrderStream, 1, Placed)]);

        await Pump(sender).RunOnceAsync(cancellationToken: Cancel);

        var poisoned = Assert.Single(_poison.Recorded);
        Assert.Equal(big.EventId.ToString("D"), poisoned.EventId);
        Assert.Equal("order-o2", poisoned.StreamId);
        Assert.Equal("CartOrders.OrderPlaced.v1", poisoned.Type);
        Assert.Contains("too large", poisoned.Reason, StringComparison.Ordinal);
        Assert.Contains(_log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains(poisoned.EventId, StringComparison.Ordinal));
        Assert.Equal(["cart-c1", "order-o1"], sender.Sent.Select(m => m.SessionId));
        Assert.Equal("3", _checkpoints[IntegrationPublisherHandler.SubscriptionName]);
    }

    [Fact]
    public async Task Unreadable_event_is_recorded_as_poison_and_the_stream_moves_on()
    {
        var unreadable = new StoredEvent(OrderStream, 3, Guid.NewGuid(), "OrderShipped.v1", Encoding.UTF8.GetBytes("{not json"), new EventMetadata("op", Later));
        _store.Events.AddRange(CartToPaidOrder());
        Append([unreadable, Stored(OrderStream, 4, new OrderCancelled("late", "alice", Later))]);

        await Pump().RunOnceAsync(cancellationToken: Cancel);

        var poisoned = Assert.Single(_poison.Recorded);
        Assert.Equal(unreadable.EventId.ToString("D"), poisoned.EventId);
        Assert.Equal("OrderShipped.v1", poisoned.Type);
        Assert.Equal("CartOrders.OrderCancelled.v1", Assert.Single(_sender.Sent).Subject);
        Assert.Equal("2", _checkpoints[IntegrationPublisherHandler.SubscriptionName]);
    }

    [Fact]
    public async Task Order_event_of_an_order_never_placed_is_recorded_as_poison()
    {
        Append([Stored("order-ghost", 1, new OrderShipped("DHL", "TRACK-1", Later)), Stored(CartStream, 4, CheckedOut)]);

        await Pump().RunOnceAsync(cancellationToken: Cancel);

        Assert.Equal("order-ghost", Assert.Single(_poison.Recorded).StreamId);
        Assert.Equal("CartOrders.CartCheckedOut.v1", Assert.Single(_sender.Sent).Subject);
        Assert.Equal("2", _checkpoints[IntegrationPublisherHandler.SubscriptionName]);
    }

    [Fact]
    public async Task Store_that_cannot_be_read_fails_the_batch_and_poisons_nothing()
    {
        Append(CartToPaidOrder());
        _store.Unreachable = new InvalidOperationException("store is down");

        await Assert.ThrowsAsync<InvalidOperationException>(() => Pump().RunOnceAsync(cancellationToken: Cancel));

        Assert.Empty(_poison.Recorded);
        Assert.Empty(_sender.Sent);
        Assert.Null(_checkpoints[IntegrationPublisherHandler.SubscriptionName]);
    }

    [Fact]
    public async Task Batch_without_public_events_publishes_nothing_and_moves_the_checkpoint()
    {
        Append(CartToPaidOrder().Take(3));

        await Pump().RunOnceAsync(cancellationToken: Cancel);

        Assert.Equal(0, _sender.SendCalls);
        Assert.Equal("3", _checkpoints[IntegrationPublisherHandler.SubscriptionName]);
    }

    [Fact]
    public void Subscription_is_named_integration_publisher()
    {
        Assert.Equal("integration-publisher", Handler(_sender).Subscription);
    }

    public ValueTask DisposeAsync() => _sender.DisposeAsync();

    private void Append(IEnumerable<StoredEvent> events)
    {
        var list = events.ToList();
        _store.Events.AddRange(list);
        _feed.Events.AddRange(list);
    }

    private FeedPump Pump(FakeServiceBusSender? sender = null) =>
        new(_feed, _checkpoints, Handler(sender ?? _sender), new InMemoryParkedEventStore(), NullLogger<FeedPump>.Instance);

    private IntegrationPublisherHandler Handler(FakeServiceBusSender sender) =>
        new(ServiceBusIntegrationPublisherTests.Publisher(sender), _poison, _store, TimeProvider.System, _log);
}
