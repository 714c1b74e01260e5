using CartOrders.Application.Feed;
using CartOrders.Application.Integration;
using CartOrders.Application.Projections;
using CartOrders.Server.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CartOrders.Server.Tests;

/// <summary>
/// The server's feed pumps: the projector, whose views and pushes people wait for, handles each
/// event as it comes; the subscriptions no one watches live batch their events by
/// <c>Feed:BatchInterval</c>.
/// </summary>
public sealed class FeedPumpsTests
{
    [Theory]
    [InlineData(null, 20)]
    [InlineData("00:00:00.050", 50)]
    public async Task The_projector_is_live_and_the_other_subscriptions_batch_by_the_configured_interval(string? setting, int milliseconds)
    {
        await using var factory = new ServerFactory(new Dictionary<string, string?> { ["Feed:BatchInterval"] = setting });
        _ = factory.Server;

        var intervals = factory.Services.GetServices<IHostedService>().OfType<FeedPumpService>()
            .ToDictionary(p => p.Subscription, p => p.BatchInterval);

        var batched = TimeSpan.FromMilliseconds(milliseconds);
        Assert.Equal(
            new Dictionary<string, TimeSpan>
            {
                [Projector.Name] = TimeSpan.Zero,
                ["order-placement"] = batched,
                [IntegrationPublisherHandler.SubscriptionName] = batched,
            },
            intervals);
    }
}
