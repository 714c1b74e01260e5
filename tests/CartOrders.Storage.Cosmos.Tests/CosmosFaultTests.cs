using System.Text;
using CartOrders.Application.Ports;
using CartOrders.CosmosServer;
using CartOrders.Testing;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Cosmos.Tests;

/// <summary>
/// How the Cosmos store answers what a healthy endpoint seldom says: a write that lost a race (409,
/// 412, 404) is tried again, a failure is reported, and a race that never ends is given up. The
/// faults are injected by the local Cosmos server, so these tests always run on it.
/// </summary>
public sealed class CosmosFaultTests(LocalCosmosDatabase fixture) : IClassFixture<LocalCosmosDatabase>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private LocalCosmosServer Server => fixture.Server;

    [Theory]
    [InlineData("CreateItem", 409, 1)]
    [InlineData("ReplaceItem", 412, 2)]
    [InlineData("ReplaceItem", 404, 2)]
    public async Task A_view_write_that_lost_a_race_reads_the_view_again_and_writes_once_more(string operation, int status, long version)
    {
        var views = new CosmosViewStore(fixture.Database, fixture.Requests);
        var id = Guid.NewGuid().ToString("N");
        if (version > 1)
        {
            Assert.True(await views.UpsertAsync(View(id, version - 1), 1, Ct));
        }

        var before = Count(operation, id);
        Server.Faults.Add(new CosmosFault { StatusCode = status, When = r => IsView(r, operation, id) });

        Assert.True(await views.UpsertAsync(View(id, version), 1, Ct));

        Assert.Equal(2, Count(operation, id) - before);
        Assert.Equal(version, (await views.GetAsync("cart", id, 1, Ct))?.Version);
    }

    [Fact]
    public async Task A_view_write_that_loses_ten_races_in_a_row_gives_up_naming_the_view()
    {
        var views = new CosmosViewStore(fixture.Database, fixture.Requests);
        var id = Guid.NewGuid().ToString("N");
        Assert.True(await views.UpsertAsync(View(id, 1), 1, Ct));
        var before = Count("ReplaceItem", id);
        Server.Faults.Add(new CosmosFault { StatusCode = 412, Times = int.MaxValue, When = r => IsView(r, "ReplaceItem", id) });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => views.UpsertAsync(View(id, 2), 1, Ct));

        Assert.Equal($"The cart view '{id}' changed under 10 write attempts in a row.", error.Message);
        Assert.Equal(10, Count("ReplaceItem", id) - before);
    }

    [Theory]
    [InlineData("CreateItem")]
    [InlineData("ReplaceItem")]
    public async Task A_view_write_the_store_fails_is_reported_and_not_tried_again(string operation)
    {
        var views = new CosmosViewStore(fixture.Database, fixture.Requests);
        var id = Guid.NewGuid().ToString("N");
        if (operation == "ReplaceItem")
        {
            Assert.True(await views.UpsertAsync(View(id, 1), 1, Ct));
        }

        var before = Count(operation, id);
        Server.Faults.Add(new CosmosFault { StatusCode = 500, When = r => IsView(r, operation, id) });

        var error = await Assert.ThrowsAsync<CosmosException>(() => views.UpsertAsync(View(id, 2), 1, Ct));

        Assert.Equal(500, (int)error.StatusCode);
        Assert.Equal(1, Count(operation, id) - before);
    }

    [Fact]
    public async Task A_save_of_the_generations_is_refused_when_they_are_gone_and_reported_when_the_store_fails()
    {
        var views = new CosmosViewStore(fixture.Database, fixture.Requests);
        var current = await views.ReadAsync(Ct);
        if (current.ETag is null)
        {
            Assert.True(await views.TrySaveAsync(current, Ct));
            current = await views.ReadAsync(Ct);
        }

        Server.Faults.Add(new CosmosFault { StatusCode = 404, When = r => r.Operation == "ReplaceItem" && r.Container == "leases" });
        Assert.False(await views.TrySaveAsync(current with { LiveVersion = current.LiveVersion + 1 }, Ct));

        Server.Faults.Add(new CosmosFault { StatusCode = 500, When = r => r.Operation == "ReplaceItem" && r.Container == "leases" });
        var error = await Assert.ThrowsAsync<CosmosException>(() => views.TrySaveAsync(current with { LiveVersion = current.LiveVersion + 1 }, Ct));
        Assert.Equal(500, (int)error.StatusCode);
        Assert.Equal(current.LiveVersion, (await views.ReadAsync(Ct)).LiveVersion);
    }

    [Fact]
    public async Task Dropping_views_another_writer_deleted_first_goes_on_and_a_delete_the_store_fails_is_reported()
    {
        var views = new CosmosViewStore(fixture.Database, fixture.Requests);
        var live = (await views.ReadAsync(Ct)).Live;
        var gone = live + 10;
        var failing = live + 11;
        var id = Guid.NewGuid().ToString("N");
        Assert.True(await views.UpsertAsync(View(id, 1), gone, Ct));
        Assert.True(await views.UpsertAsync(View(id, 1), failing, Ct));

        Server.Faults.Add(new CosmosFault { StatusCode = 404, When = r => r.Operation == "DeleteItem" && r.Container == "views" });
        await views.DropAsync(gone, Ct);

        Server.Faults.Add(new CosmosFault { StatusCode = 500, When = r => r.Operation == "DeleteItem" && r.Container == "views" });
        var error = await Assert.ThrowsAsync<CosmosException>(() => views.DropAsync(failing, Ct));
        Assert.Equal(500, (int)error.StatusCode);
        Assert.NotNull(await views.GetAsync("cart", id, failing, Ct));
    }

    [Fact]
    public async Task A_failed_retention_sweep_is_logged_and_the_next_one_an_interval_later_removes_what_the_retired_subscription_left()
    {
        var retired = "retired-" + Guid.NewGuid().ToString("N")[..8];
        var options = new CosmosStoreOptions { ConnectionString = fixture.ConnectionString, DatabaseName = fixture.Database.Options.DatabaseName, SweepInterval = TimeSpan.FromSeconds(1) };
        options.RetiredSubscriptions.Add(retired);
        using var database = new CosmosDatabase(Options.Create(options), fixture.Requests, NullLogger<CosmosDatabase>.Instance);
        var checkpoints = new CosmosCheckpointStore(database, fixture.Requests);
        await checkpoints.SaveAsync(retired, "42", Ct);
        var log = new CapturingLogger<CosmosRetention>();
        using var retention = new CosmosRetention(database, fixture.Requests, TimeProvider.System, log);
        Server.Faults.Add(new CosmosFault { StatusCode = 500, When = r => r.Operation == "DeleteItem" && r.Container == "leases" });

        await retention.StartAsync(Ct);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (await checkpoints.LoadAsync(retired, Ct) is not null)
            {
                Assert.True(DateTime.UtcNow < deadline, "the retired checkpoint was not removed within 30 s");
                await Task.Delay(50, Ct);
            }

            Assert.False(retention.ExecuteTask!.IsCompleted);
        }
        finally
        {
            await retention.StopAsync(CancellationToken.None);
        }

        var failed = Assert.Single(log.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal("Retention sweep failed; it runs again at the next interval", failed.Message);
        Assert.IsType<CosmosException>(failed.Exception);
        Assert.Contains(log.Entries, e => (e.Level, e.Message) == (LogLevel.Information, $"Retention: removed the checkpoint and parked events of retired subscription {retired} (1 items)"));
    }

    [Fact]
    public async Task Checkpoint_parking_and_tip_requests_the_store_fails_are_reported()
    {
        var checkpoints = new CosmosCheckpointStore(fixture.Database, fixture.Requests);
        var parking = new CosmosParkedEventStore(fixture.Database, fixture.Requests);
        using var events = new CosmosEventStore(fixture.Database, fixture.Requests);
        var subscription = "failing-" + Guid.NewGuid().ToString("N")[..8];
        var stream = "cart-" + Guid.NewGuid().ToString("N");
        await events.AppendAsync(new AppendRequest(stream, 0, [Event()]), Ct);
        using var stranger = new CosmosEventStore(fixture.Database, fixture.Requests);

        async Task FailsAsync(string operation, string container, Func<Task> call)
        {
            Server.Faults.Add(new CosmosFault { StatusCode = 500, When = r => r.Operation == operation && r.Container == container });
            var error = await Assert.ThrowsAsync<CosmosException>(call);
            Assert.Equal(500, (int)error.StatusCode);
            Server.Faults.Clear();
        }

        await FailsAsync("UpsertItem", "leases", () => checkpoints.SaveAsync(subscription, "1", Ct));
        await FailsAsync("CreateItem", "leases", () => checkpoints.TrySaveAsync(subscription, "1", null, Ct));
        await FailsAsync("ReadItem", "leases", () => checkpoints.LoadAsync(subscription, Ct));
        await FailsAsync("CreateItem", "leases", () => parking.ParkAsync([Parked(subscription, stream, 1)], Ct));
        await FailsAsync("ReadItem", "events", () => stranger.AppendAsync(new AppendRequest(stream, 1, [Event()]), Ct));
        Assert.Null(await checkpoints.LoadAsync(subscription, Ct));

        await parking.ParkAsync([Parked(subscription, stream, 1)], Ct);
        await FailsAsync("DeleteItem", "leases", () => parking.RemoveAsync(subscription, stream, 1, Ct));
        Assert.Single(await parking.ListAsync(subscription, Ct));
    }

    [Fact]
    public async Task Parking_goes_on_when_an_unpark_finds_the_event_gone_or_the_list_of_parked_streams_lost_a_race()
    {
        var parking = new CosmosParkedEventStore(fixture.Database, fixture.Requests);
        var subscription = "racing-" + Guid.NewGuid().ToString("N")[..8];
        var stream = "cart-" + Guid.NewGuid().ToString("N");

        Server.Faults.Add(new CosmosFault { StatusCode = 409, When = r => r.Operation == "CreateItem" && r.Container == "leases" && IsStreamsList(r, subscription) });
        await parking.ParkAsync([Parked(subscription, stream, 1)], Ct);
        Assert.Equal([stream], await parking.ParkedStreamsAsync(subscription, [stream], Ct));

        Server.Faults.Add(new CosmosFault { StatusCode = 412, When = r => r.Operation == "ReplaceItem" && IsStreamsList(r, subscription) });
        Server.Faults.Add(new CosmosFault { StatusCode = 404, When = r => r.Operation == "DeleteItem" && r.Container == "leases" });
        await parking.RemoveAsync(subscription, stream, 1, Ct);
        Assert.Empty(await parking.ParkedStreamsAsync(subscription, [stream], Ct));
    }

    [Fact]
    public async Task A_list_of_parked_streams_that_loses_ten_races_in_a_row_gives_up_and_one_the_store_fails_is_reported()
    {
        var parking = new CosmosParkedEventStore(fixture.Database, fixture.Requests);
        var subscription = "losing-" + Guid.NewGuid().ToString("N")[..8];
        var stream = "cart-" + Guid.NewGuid().ToString("N");

        Server.Faults.Add(new CosmosFault { StatusCode = 409, Times = int.MaxValue, When = r => r.Operation == "CreateItem" && IsStreamsList(r, subscription) });
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => parking.ParkAsync([Parked(subscription, stream, 1)], Ct));
        Assert.Equal($"The parked streams of subscription '{subscription}' changed under 10 write attempts in a row.", error.Message);
        Assert.Equal(10, Server.Requests.Count(r => r.Request.Operation == "CreateItem" && IsStreamsList(r.Request, subscription)));
        Server.Faults.Clear();

        Server.Faults.Add(new CosmosFault { StatusCode = 500, When = r => r.Operation == "CreateItem" && IsStreamsList(r, subscription) });
        var failed = await Assert.ThrowsAsync<CosmosException>(() => parking.ParkAsync([Parked(subscription, stream, 1)], Ct));
        Assert.Equal(500, (int)failed.StatusCode);
    }

    public void Dispose() => Server.Faults.Clear();

    private static bool IsStreamsList(CosmosRequest request, string subscription) =>
        request.Container == "leases" && request.PartitionKey?.Contains(ParkedStreamsItem.IdOf(subscription), StringComparison.Ordinal) == true;

    private static EventToAppend Event() =>
        new(Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"n\":1}"), new EventMetadata("alice", DateTimeOffset.UtcNow));

    private static ParkedEvent Parked(string subscription, string stream, long version) =>
        new(subscription, new StoredEvent(stream, version, Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"n\":1}"), new EventMetadata("alice", DateTimeOffset.UtcNow)), "bug", DateTimeOffset.UtcNow);

    private static bool IsView(CosmosRequest request, string operation, string id) =>
        request.Operation == operation && request.Container == "views" && request.PartitionKey?.Contains(id, StringComparison.Ordinal) == true;

    private int Count(string operation, string id) => Server.Requests.Count(r => IsView(r.Request, operation, id));

    private static ViewDocument View(string id, long version) =>
        new("cart", id, version, ["alice"], Encoding.UTF8.GetBytes("{\"status\":\"open\"}"), DateTimeOffset.UtcNow);
}
