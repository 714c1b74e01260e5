using CartOrders.Application.Integration;
using CartOrders.Messaging.ServiceBus.Tests.Fakes;
using Microsoft.Extensions.Logging;
using static CartOrders.Messaging.ServiceBus.Tests.TestEvents;

namespace CartOrders.Messaging.ServiceBus.Tests;

public sealed class LoggingIntegrationPublisherTests
{
    [Fact]
    public async Task Without_a_broker_each_event_is_logged_and_publishing_is_off()
    {
        var log = new CapturingLogger<LoggingIntegrationPublisher>();
        var publisher = new LoggingIntegrationPublisher(log);
        var mapped = IntegrationEventMapper.Map(Stored(CartStream, 4, CheckedOut))!;

        var result = await publisher.PublishAsync([mapped], TestContext.Current.CancellationToken);

        Assert.False(publisher.IsEnabled);
        Assert.Equal(1, result.Published);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains("CartOrders.CartCheckedOut.v1", entry.Message, StringComparison.Ordinal);
        Assert.Contains(mapped.Id, entry.Message, StringComparison.Ordinal);
        Assert.Contains("carts/c1", entry.Message, StringComparison.Ordinal);
        Assert.Contains("\"specversion\":\"1.0\"", entry.Message, StringComparison.Ordinal);
    }
}
