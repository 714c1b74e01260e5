using CartOrders.Application.Ports;
using CartOrders.Server.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Server.Tests;

public sealed class TelemetryTests(ServerFixture server)
{
    [Fact]
    public async Task A_commands_trace_id_becomes_its_events_correlation_id()
    {
        var alice = await server.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/carts/{cartId}/items")
        {
            Content = ApiUser.Raw("{\"productId\":\"espresso-beans-250g\",\"quantity\":1}"),
        };
        request.Headers.Add("traceparent", $"00-{traceId}-00f067aa0ba902b7-01");

        using var response = await alice.Http.SendAsync(request, TestContext.Current.CancellationToken);

        response.EnsureSuccessStatusCode();
        var events = await server.Factory.Services.GetRequiredService<IEventStore>().ReadStreamAsync("cart-" + cartId, 2, 2, TestContext.Current.CancellationToken);
        Assert.Equal(traceId, Assert.Single(events).Metadata.CorrelationId);
    }
}
