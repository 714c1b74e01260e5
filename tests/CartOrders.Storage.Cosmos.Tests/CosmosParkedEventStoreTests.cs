using System.Text;
using CartOrders.Application.Ports;

namespace CartOrders.Storage.Cosmos.Tests;

/// <summary>Parked events on a Cosmos endpoint (the emulator, an account, or the local Cosmos server), with the contract's database.</summary>
public sealed class CosmosParkedEventStoreTests(CosmosContractDatabase fixture) : IClassFixture<CosmosContractDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Parked_events_are_listed_by_subscription_in_stream_order_and_released_through_a_version()
    {
        var parking = Store();
        var subscription = "parking-" + Guid.NewGuid().ToString("N");
        var stream = "cart-" + Guid.NewGuid().ToString("N");

        Assert.Empty(await parking.ParkedStreamsAsync(subscription, [stream], Ct));
        await parking.ParkAsync([Parked(subscription, stream, 2, "second"), Parked(subscription, stream, 1, "first")], Ct);
        await parking.ParkAsync([Parked(subscription, stream, 1, "again")], Ct);

        Assert.Equal([stream], await parking.ParkedStreamsAsync(subscription, [stream, "cart-other"], Ct));
        var listed = await parking.ListAsync(subscription, Ct);
        Assert.Equal([1L, 2L], listed.Select(p => p.Event.Version));
        Assert.Equal("first", listed[0].Reason);

        await parking.RemoveAsync(subscription, stream, 1, Ct);
        Assert.Equal([2L], (await parking.ListAsync(subscription, Ct)).Select(p => p.Event.Version));
        Assert.Equal([stream], await parking.ParkedStreamsAsync(subscription, [stream], Ct));

        await parking.RemoveAsync(subscription, stream, 2, Ct);
        Assert.Empty(await parking.ListAsync(subscription, Ct));
        Assert.Empty(await parking.ParkedStreamsAsync(subscription, [stream], Ct));
    }

    private CosmosParkedEventStore Store() => new(fixture.Database, fixture.Requests);

    private static ParkedEvent Parked(string subscription, string stream, long version, string reason) =>
        new(subscription, new StoredEvent(stream, version, Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"n\":1}"), new EventMetadata("alice", DateTimeOffset.UtcNow)), reason, DateTimeOffset.UtcNow);
}
