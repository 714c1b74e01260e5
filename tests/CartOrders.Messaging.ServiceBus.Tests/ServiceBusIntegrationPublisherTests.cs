using System.Text.Json;
using Azure.Messaging.ServiceBus;
using CartOrders.Application.Integration;
using CartOrders.Messaging.ServiceBus.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static CartOrders.Messaging.ServiceBus.Tests.TestEvents;

namespace CartOrders.Messaging.ServiceBus.Tests;

public sealed class ServiceBusIntegrationPublisherTests
{
    private static readonly ServiceBusPublishingOptions s_fastRetries = new()
    {
        ConnectionString = "Endpoint=sb://unused/;SharedAccessKeyName=k;SharedAccessKey=v",
        MaxSendAttempts = 3,
        RetryDelay = TimeSpan.FromMilliseconds(1),
        MaxRetryDelay = TimeSpan.FromMilliseconds(2),
    };

    [Fact]
    public async Task Message_id_is_the_event_id()
    {
        var sender = new FakeServiceBusSender();
        var events = Events(3);

        await Publisher(sender).PublishAsync(events, TestContext.Current.CancellationToken);

        Assert.Equal(events.Select(e => e.Id), sender.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Message_carries_session_subject_correlation_and_content_type()
    {
        var sender = new FakeServiceBusSender();
        var placed = Event("order-o7", "CartOrders.OrderPlaced.v1", "orders/o7", correlationId: "corr-7");

        await Publisher(sender).PublishAsync([placed], TestContext.Current.CancellationToken);

        var message = Assert.Single(sender.Sent);
        Assert.Equal("order-o7", message.SessionId);
        Assert.Equal("CartOrders.OrderPlaced.v1", message.Subject);
        Assert.Equal("corr-7", message.CorrelationId);
        Assert.Equal("application/cloudevents+json; charset=utf-8", message.ContentType);
        Assert.Equal("CartOrders.OrderPlaced.v1", message.ApplicationProperties["cloudEvents:type"]);
        Assert.Equal(placed.Id, message.ApplicationProperties["cloudEvents:id"]);
        Assert.Equal("/cartorders", message.ApplicationProperties["cloudEvents:source"]);
        Assert.Equal("orders/o7", message.ApplicationProperties["cloudEvents:subject"]);
    }

    [Fact]
    public async Task Message_body_is_the_structured_cloud_event()
    {
        var sender = new FakeServiceBusSender();
        var mapped = IntegrationEventMapper.Map(Stored(CartStream, 4, CheckedOut))!;

        await Publisher(sender).PublishAsync([mapped], TestContext.Current.CancellationToken);

        using var body = JsonDocument.Parse(Assert.Single(sender.Sent).Body.ToMemory());
        Assert.Equal("1.0", body.RootElement.GetProperty("specversion").GetString());
        Assert.Equal(mapped.Id, body.RootElement.GetProperty("id").GetString());
        Assert.Equal("CartOrders.CartCheckedOut.v1", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("o1", body.RootElement.GetProperty("data").GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task Messages_are_sent_in_the_order_given()
    {
        var sender = new FakeServiceBusSender(batchBudgetBytes: 2 * BodySize);
        var events = Events(7);

        var result = await Publisher(sender).PublishAsync(events, TestContext.Current.CancellationToken);

        Assert.Equal(7, result.Published);
        Assert.Equal(events.Select(e => e.Id), sender.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task A_full_batch_is_sent_and_the_next_messages_go_in_a_new_one()
    {
        var sender = new FakeServiceBusSender(batchBudgetBytes: 2 * BodySize);

        await Publisher(sender).PublishAsync(Events(5), TestContext.Current.CancellationToken);

        Assert.Equal([2, 2, 1], sender.SentBatches.Select(b => b.Count));
    }

    [Fact]
    public async Task Everything_that_fits_goes_in_one_batch()
    {
        var sender = new FakeServiceBusSender();

        await Publisher(sender).PublishAsync(Events(20), TestContext.Current.CancellationToken);

        Assert.Equal(20, Assert.Single(sender.SentBatches).Count);
    }

    [Fact]
    public async Task Transient_failure_is_retried_and_then_succeeds()
    {
        var sender = new FakeServiceBusSender();
        sender.SendFailures.Enqueue(new ServiceBusException("busy", ServiceBusFailureReason.ServiceBusy));
        sender.SendFailures.Enqueue(new TimeoutException("slow"));
        var events = Events(3);

        var result = await Publisher(sender).PublishAsync(events, TestContext.Current.CancellationToken);

        Assert.Equal(3, sender.SendCalls);
        Assert.Equal(3, result.Published);
        Assert.Equal(events.Select(e => e.Id), sender.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Transient_failures_past_the_retry_budget_throw()
    {
        var sender = new FakeServiceBusSender();
        for (var i = 0; i < s_fastRetries.MaxSendAttempts; i++)
        {
            sender.SendFailures.Enqueue(new ServiceBusException("timeout", ServiceBusFailureReason.ServiceTimeout));
        }

        await Assert.ThrowsAsync<ServiceBusException>(() => Publisher(sender).PublishAsync(Events(2), TestContext.Current.CancellationToken));

        Assert.Equal(s_fastRetries.MaxSendAttempts, sender.SendCalls);
        Assert.Empty(sender.Sent);
    }

    [Fact]
    public async Task Non_transient_failure_is_thrown_without_retrying()
    {
        var sender = new FakeServiceBusSender();
        sender.SendFailures.Enqueue(new ServiceBusException("no such topic", ServiceBusFailureReason.MessagingEntityNotFound));

        await Assert.ThrowsAsync<ServiceBusException>(() => Publisher(sender).PublishAsync(Events(2), TestContext.Current.CancellationToken));

        Assert.Equal(1, sender.SendCalls);
    }

    [Fact]
    public async Task Oversize_message_is_rejected_as_poison_and_the_rest_still_go_in_order()
    {
        var sender = new FakeServiceBusSender(batchBudgetBytes: 3 * BodySize);
        var events = Events(4).ToList();
        var huge = Event("order-big", "CartOrders.OrderCancelled.v1", "orders/big", reason: new string('x', 4 * BodySize));
        events.Insert(2, huge);

        var result = await Publisher(sender).PublishAsync(events, TestContext.Current.CancellationToken);

        var rejected = Assert.Single(result.Rejected);
        Assert.Same(huge, rejected.Event);
        Assert.Contains("too large", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(4, result.Published);
        Assert.Equal(events.Where(e => e != huge).Select(e => e.Id), sender.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Message_the_broker_refuses_as_too_large_is_poison_and_the_rest_of_its_batch_still_goes()
    {
        var sender = new FakeServiceBusSender();
        var events = Events(4);
        var tooLarge = events[1].Id;
        sender.Refuse = batch => batch.Any(m => m.MessageId == tooLarge)
            ? new ServiceBusException("too large", ServiceBusFailureReason.MessageSizeExceeded)
            : null;

        var result = await Publisher(sender).PublishAsync(events, TestContext.Current.CancellationToken);

        Assert.Equal(tooLarge, Assert.Single(result.Rejected).Event.Id);
        Assert.Equal(3, result.Published);
        Assert.Equal(events.Where(e => e.Id != tooLarge).Select(e => e.Id), sender.Sent.Select(m => m.MessageId));
    }

    [Fact]
    public async Task Message_the_broker_cannot_accept_is_rejected_as_invalid()
    {
        var sender = new FakeServiceBusSender();
        var invalid = Event("order-" + new string('x', 200), "CartOrders.OrderPlaced.v1", "orders/x");
        var valid = Event("order-o1", "CartOrders.OrderPlaced.v1", "orders/o1");

        var result = await Publisher(sender).PublishAsync([invalid, valid], TestContext.Current.CancellationToken);

        Assert.StartsWith("invalid message", Assert.Single(result.Rejected).Reason, StringComparison.Ordinal);
        Assert.Equal(valid.Id, Assert.Single(sender.Sent).MessageId);
    }

    [Fact]
    public void Retry_delays_grow_exponentially_with_jitter_up_to_the_cap()
    {
        var options = new ServiceBusPublishingOptions { RetryDelay = TimeSpan.FromMilliseconds(100), MaxRetryDelay = TimeSpan.FromMilliseconds(1000) };
        var retry = new TransientRetry(options, TimeProvider.System, NullLogger.Instance);

        for (var attempt = 1; attempt <= 8; attempt++)
        {
            var ceiling = Math.Min(100 * Math.Pow(2, attempt - 1), 1000);
            var delay = retry.Backoff(attempt).TotalMilliseconds;
            Assert.InRange(delay, ceiling / 2, ceiling);
        }
    }

    internal static int BodySize { get; } = Event("order-o1", "CartOrders.OrderPlaced.v1", "orders/o1").ToJson().Length;

    internal static ServiceBusIntegrationPublisher Publisher(FakeServiceBusSender sender) =>
        new(sender, Options.Create(s_fastRetries), TimeProvider.System, NullLogger<ServiceBusIntegrationPublisher>.Instance);

    private static List<IntegrationEvent> Events(int count) =>
        [.. Enumerable.Range(1, count).Select(i => Event($"order-o{i % 3}", "CartOrders.OrderPlaced.v1", $"orders/o{i % 3}"))];

    /// <summary>Events of one size (the size of a one-digit order id), unless given a long reason.</summary>
    private static IntegrationEvent Event(string streamId, string type, string subject, string? correlationId = Correlation, string reason = "r") =>
        new(Guid.NewGuid().ToString("D"), type, subject, Later, new OrderCancelledV1("o1", "alice", reason, Later), streamId, correlationId);
}
