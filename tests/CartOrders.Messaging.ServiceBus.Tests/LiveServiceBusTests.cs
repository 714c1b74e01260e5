using System.Text.Json;
using Azure.Messaging.ServiceBus;
using CartOrders.Application.Integration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static CartOrders.Messaging.ServiceBus.Tests.TestEvents;

namespace CartOrders.Messaging.ServiceBus.Tests;

/// <summary>
/// Against a real namespace, when SERVICEBUS_CONNECTION_STRING is set: the topic
/// (SERVICEBUS_TOPIC, default cartorders-events) needs a session-enabled subscription
/// (SERVICEBUS_SUBSCRIPTION, default sample-consumer).
/// </summary>
public sealed class LiveServiceBusTests
{
    [Fact]
    public async Task Live_namespace_delivers_the_cloud_event_to_a_session_receiver()
    {
        var connectionString = Environment.GetEnvironmentVariable("SERVICEBUS_CONNECTION_STRING");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            Assert.Skip("SERVICEBUS_CONNECTION_STRING is not set: skipped the live Service Bus test.");
        }

        var topic = Environment.GetEnvironmentVariable("SERVICEBUS_TOPIC") is { Length: > 0 } t ? t : ServiceBusPublishingOptions.DefaultTopicName;
        var subscription = Environment.GetEnvironmentVariable("SERVICEBUS_SUBSCRIPTION") is { Length: > 0 } s ? s : "sample-consumer";
        var cancel = TestContext.Current.CancellationToken;
        var options = new ServiceBusPublishingOptions { ConnectionString = connectionString, TopicName = topic };
        await using var client = ServiceBusPublishingServices.CreateClient(options);
        await using var sender = client.CreateSender(topic);
        var publisher = new ServiceBusIntegrationPublisher(sender, Options.Create(options), TimeProvider.System, NullLogger<ServiceBusIntegrationPublisher>.Instance);
        var cartId = "live-" + Guid.NewGuid().ToString("N");
        var published = IntegrationEventMapper.Map(Stored("cart-" + cartId, 4, CheckedOut))!;

        var result = await publisher.PublishAsync([published], cancel);

        Assert.Equal(1, result.Published);
        await using var receiver = await client.AcceptSessionAsync(topic, subscription, "cart-" + cartId, cancellationToken: cancel);
        var message = await receiver.ReceiveMessageAsync(TimeSpan.FromSeconds(60), cancel);
        Assert.NotNull(message);
        await receiver.CompleteMessageAsync(message, cancel);
        Assert.Equal(published.Id, message.MessageId);
        Assert.Equal("CartOrders.CartCheckedOut.v1", message.Subject);
        Assert.Equal(IntegrationMessage.ContentType, message.ContentType);
        using var body = JsonDocument.Parse(message.Body.ToMemory());
        Assert.Equal(published.Id, body.RootElement.GetProperty("id").GetString());
        Assert.Equal("carts/" + cartId, body.RootElement.GetProperty("subject").GetString());
    }
}
