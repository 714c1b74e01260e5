using System.Text;
using CartOrders.Application.Ports;
using CartOrders.Testing;

namespace CartOrders.Storage.Cosmos.Tests;

/// <summary>
/// What the Cosmos event and parked-event stores do beyond their contracts: the requests each call
/// makes (under which operation name), the tip an instance remembers so that its next append reads
/// nothing, and a database that is not there yet.
/// </summary>
public sealed class CosmosEventStoreTests(CosmosContractDatabase fixture) : IClassFixture<CosmosContractDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_append_reads_the_tip_only_when_this_instance_does_not_know_it_at_the_expected_version()
    {
        var log = new CapturingLogger<CosmosRequests>();
        using var events = new CosmosEventStore(fixture.Database, CosmosContractDatabase.RequestsLoggingTo(log));
        using var other = new CosmosEventStore(fixture.Database, fixture.Requests);
        var stream = NewStream();

        await events.AppendAsync(new AppendRequest(stream, 0, [Event()]), Ct);
        await events.AppendAsync(new AppendRequest(stream, 1, [Event()]), Ct);
        Assert.Equal(["append", "append"], Operations(log));

        // Another instance moves the stream on: the remembered tip is stale, the batch fails and is forgotten.
        await other.AppendAsync(new AppendRequest(stream, 2, [Event()]), Ct);
        await Assert.ThrowsAsync<WrongExpectedVersionException>(() => events.AppendAsync(new AppendRequest(stream, 2, [Event()]), Ct));
        await events.AppendAsync(new AppendRequest(stream, 3, [Event()]), Ct);
        Assert.Equal(["append", "append", "append", "read-tip", "append"], Operations(log));

        // Reading the snapshot learns the tip too.
        using var reader = new CosmosEventStore(fixture.Database, CosmosContractDatabase.RequestsLoggingTo(log));
        Assert.Null(await reader.ReadSnapshotAsync(stream, Ct));
        await reader.AppendAsync(new AppendRequest(stream, 4, [Event()]), Ct);
        Assert.Equal(["read-tip", "append"], Operations(log).Skip(5));
        Assert.Equal([1L, 2L, 3L, 4L, 5L], (await events.ReadStreamAsync(stream, cancellationToken: Ct)).Select(e => e.Version));
    }

    [Fact]
    public async Task Each_event_store_read_is_logged_under_its_own_operation_name_and_keys_that_name_no_record_read_nothing()
    {
        var log = new CapturingLogger<CosmosRequests>();
        using var events = new CosmosEventStore(fixture.Database, CosmosContractDatabase.RequestsLoggingTo(log));
        var stream = NewStream();

        await events.ReadStreamAsync(stream, cancellationToken: Ct);
        await events.ReadStreamAsync(stream, 1, 5, Ct);
        await events.ReadSnapshotAsync(stream, Ct);
        await events.FindIdempotencyAsync(stream, "key-1", Ct);
        Assert.Empty(await events.ReadStreamAsync(stream, 5, 4, Ct));
        Assert.Null(await events.FindIdempotencyAsync(stream, "tip", Ct));
        Assert.Null(await events.FindIdempotencyAsync(stream, "42", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => events.FindIdempotencyAsync(stream, string.Empty, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => events.AppendAsync(null!, Ct));

        Assert.Equal(["read-stream", "read-stream", "read-tip", "read-idempotency"], Operations(log));
        Assert.All(log.Entries, e => Assert.Equal("events", e.Values["Container"]));
    }

    [Fact]
    public async Task An_append_with_nothing_to_write_makes_no_request()
    {
        var log = new CapturingLogger<CosmosRequests>();
        using var events = new CosmosEventStore(fixture.Database, CosmosContractDatabase.RequestsLoggingTo(log));

        var result = await events.AppendAsync(new AppendRequest(NewStream(), 3, []), Ct);

        Assert.Equal(3, result.NextVersion);
        Assert.Empty(log.Entries);
    }

    [Fact]
    public async Task Each_parked_event_call_is_logged_under_its_own_operation_name_on_the_leases_container()
    {
        var log = new CapturingLogger<CosmosRequests>();
        var parking = new CosmosParkedEventStore(fixture.Database, CosmosContractDatabase.RequestsLoggingTo(log));
        var subscription = "named-" + Guid.NewGuid().ToString("N")[..8];
        var stream = NewStream();

        await parking.ParkAsync([Parked(subscription, stream, 1), Parked(subscription, stream, 2)], Ct);
        Assert.Equal(["park-event", "park-event", "read-parked-streams", "save-parked-streams"], Operations(log));
        await parking.ParkedStreamsAsync(subscription, [stream], Ct);
        Assert.Equal("read-parked-streams", Operations(log)[^1]);
        var before = log.Entries.Count;
        await parking.ListAsync(subscription, Ct);
        Assert.All(Operations(log).Skip(before), o => Assert.Equal("list-parked", o));
        before = log.Entries.Count;
        await parking.RemoveAsync(subscription, stream, 2, Ct);
        Assert.Equal(["unpark-event", "unpark-event", "read-parked-streams", "save-parked-streams"], Operations(log).Skip(before).Where(o => o != "list-parked"));
        await parking.ParkAsync([], Ct);
        Assert.All(log.Entries, e => Assert.Equal("leases", e.Values["Container"]));
        await Assert.ThrowsAsync<ArgumentNullException>(() => parking.ParkAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => parking.ParkedStreamsAsync(subscription, null!, Ct));
    }

    [Fact]
    public async Task Every_event_checkpoint_and_parking_call_on_a_database_not_created_yet_creates_it_first()
    {
        var stream = NewStream();
        var calls = new Func<CosmosDatabase, Task>[]
        {
            db => new CosmosEventStore(db, fixture.Requests).AppendAsync(new AppendRequest(stream, 0, [Event()]), Ct),
            db => new CosmosEventStore(db, fixture.Requests).ReadStreamAsync(stream, cancellationToken: Ct),
            db => new CosmosEventStore(db, fixture.Requests).ReadSnapshotAsync(stream, Ct),
            db => new CosmosEventStore(db, fixture.Requests).FindIdempotencyAsync(stream, "key-1", Ct),
            db => new CosmosCheckpointStore(db, fixture.Requests).LoadAsync("projector", Ct),
            db => new CosmosCheckpointStore(db, fixture.Requests).ReadAsync("projector", Ct),
            db => new CosmosCheckpointStore(db, fixture.Requests).SaveAsync("projector", "1", Ct),
            db => new CosmosCheckpointStore(db, fixture.Requests).TrySaveAsync("projector", "1", null, Ct),
            db => new CosmosParkedEventStore(db, fixture.Requests).ParkAsync([Parked("projector", stream, 1)], Ct),
            db => new CosmosParkedEventStore(db, fixture.Requests).ParkedStreamsAsync("projector", [stream], Ct),
            db => new CosmosParkedEventStore(db, fixture.Requests).ListAsync(null, Ct),
            db => new CosmosParkedEventStore(db, fixture.Requests).RemoveAsync("projector", stream, 1, Ct),
        };

        foreach (var call in calls)
        {
            await using var own = fixture.Own();

            await call(own.Database);

            Assert.Equal("/id", (await own.Database.Leases.ReadContainerAsync(cancellationToken: Ct)).Resource.PartitionKeyPath);
        }
    }

    private static List<string> Operations(CapturingLogger<CosmosRequests> log) => [.. log.Entries.Select(e => (string)e.Values["Operation"]!)];

    private static string NewStream() => "cart-" + Guid.NewGuid().ToString("N");

    private static EventToAppend Event() =>
        new(Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"n\":1}"), new EventMetadata("alice", DateTimeOffset.UtcNow));

    private static ParkedEvent Parked(string subscription, string stream, long version) =>
        new(subscription, new StoredEvent(stream, version, Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"n\":1}"), new EventMetadata("alice", DateTimeOffset.UtcNow)), "bug", DateTimeOffset.UtcNow);
}
