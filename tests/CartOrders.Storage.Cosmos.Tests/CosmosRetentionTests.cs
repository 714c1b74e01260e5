using System.Text;
using CartOrders.Application.Ports;
using CartOrders.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Cosmos.Tests;

/// <summary>
/// What the Cosmos store keeps only for a while: idempotency records expire by their own ttl, and the
/// retention sweep removes what retired subscriptions left in the leases container.
/// </summary>
public sealed class CosmosRetentionTests(CosmosContractDatabase fixture) : IClassFixture<CosmosContractDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_retired_subscription_loses_its_checkpoint_and_parked_events_and_the_others_keep_theirs()
    {
        var retired = "old-reporting-" + Guid.NewGuid().ToString("N")[..8];
        var live = "projector-" + Guid.NewGuid().ToString("N")[..8];
        fixture.Database.Options.RetiredSubscriptions.Add(retired);
        var checkpoints = new CosmosCheckpointStore(fixture.Database, fixture.Requests);
        var parking = new CosmosParkedEventStore(fixture.Database, fixture.Requests);
        var retention = new CosmosRetention(fixture.Database, fixture.Requests, TimeProvider.System, NullLogger<CosmosRetention>.Instance);
        await checkpoints.SaveAsync(retired, "42", Ct);
        await checkpoints.SaveAsync(live, "43", Ct);
        var stream = "cart-" + Guid.NewGuid().ToString("N");
        await parking.ParkAsync([Parked(retired, stream, 1), Parked(retired, stream, 2), Parked(live, stream, 1)], Ct);

        // Two parked events, the parked-streams list and the checkpoint; a second sweep finds nothing.
        Assert.Equal(4, await retention.SweepAsync(Ct));
        Assert.Equal(0, await retention.SweepAsync(Ct));

        Assert.Null(await checkpoints.LoadAsync(retired, Ct));
        Assert.Empty(await parking.ListAsync(retired, Ct));
        Assert.Empty(await parking.ParkedStreamsAsync(retired, [stream], Ct));
        Assert.Equal("43", await checkpoints.LoadAsync(live, Ct));
        Assert.Equal([1L], (await parking.ListAsync(live, Ct)).Select(p => p.Event.Version));
        Assert.Equal([stream], await parking.ParkedStreamsAsync(live, [stream], Ct));
    }

    [Fact]
    public async Task Without_retired_subscriptions_the_hosted_sweep_ends_at_once_and_a_sweep_that_finds_nothing_logs_nothing()
    {
        var options = new CosmosStoreOptions { ConnectionString = fixture.ConnectionString, DatabaseName = fixture.Database.Options.DatabaseName, SweepInterval = TimeSpan.FromSeconds(1) };
        using var database = new CosmosDatabase(Options.Create(options), fixture.Requests, NullLogger<CosmosDatabase>.Instance);
        var log = new CapturingLogger<CosmosRetention>();
        using var idle = new CosmosRetention(database, fixture.Requests, TimeProvider.System, log);

        await idle.StartAsync(Ct);

        // It has nothing to do, so it ends without waiting for its first interval.
        await idle.ExecuteTask!.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        await idle.StopAsync(Ct);
        options.RetiredSubscriptions.Add("never-used-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(0, await idle.SweepAsync(Ct));
        Assert.Empty(log.Entries);
    }

    [Fact]
    public async Task An_idempotency_record_expires_by_its_ttl_and_the_events_it_was_written_with_stay()
    {
        var options = new CosmosStoreOptions
        {
            ConnectionString = fixture.ConnectionString,
            DatabaseName = fixture.Database.Options.DatabaseName,
            IdempotencyTtl = TimeSpan.FromSeconds(2),
        };
        using var database = new CosmosDatabase(Options.Create(options), fixture.Requests, NullLogger<CosmosDatabase>.Instance);
        var events = new CosmosEventStore(database, fixture.Requests);
        var stream = "cart-" + Guid.NewGuid().ToString("N");
        var reply = new CommandReply(201, Encoding.UTF8.GetBytes("{}"), "application/json", 1, null);
        var now = DateTimeOffset.UtcNow;
        var created = new EventToAppend(Guid.NewGuid(), "CartCreated.v1", Encoding.UTF8.GetBytes("{}"), new EventMetadata("alice", now, null));
        await events.AppendAsync(new AppendRequest(stream, 0, [created], Idempotency: new IdempotencyRecord("key-1", stream, "POST /api/carts", reply, now)), Ct);
        Assert.NotNull(await events.FindIdempotencyAsync(stream, "key-1", Ct));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await events.FindIdempotencyAsync(stream, "key-1", Ct) is not null)
        {
            Assert.True(DateTime.UtcNow < deadline, "the idempotency record did not expire within 30 s of a 2 s ttl");
            await Task.Delay(TimeSpan.FromMilliseconds(200), Ct);
        }

        Assert.Equal([created.EventId], (await events.ReadStreamAsync(stream, cancellationToken: Ct)).Select(e => e.EventId));
    }

    private static ParkedEvent Parked(string subscription, string stream, long version) =>
        new(subscription, new StoredEvent(stream, version, Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"n\":1}"), new EventMetadata("alice", DateTimeOffset.UtcNow)), "bug", DateTimeOffset.UtcNow);
}
