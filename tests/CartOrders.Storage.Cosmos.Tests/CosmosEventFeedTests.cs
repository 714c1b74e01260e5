using System.Diagnostics;
using System.Text;
using CartOrders.Application.Ports;
using CartOrders.Testing;

namespace CartOrders.Storage.Cosmos.Tests;

/// <summary>
/// The Cosmos feed beyond the store contract: which range a batch starts with, exact lag counts
/// (tips and idempotency records are not events), how long a wait lasts, and a database not created
/// yet. Each test has a database of its own on the contract's endpoint, so its feed holds only its events.
/// </summary>
public sealed class CosmosEventFeedTests(CosmosContractDatabase fixture) : IClassFixture<CosmosContractDatabase>
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(200);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_batch_that_fills_up_in_a_range_names_the_range_after_it_to_start_with_next_and_one_that_reads_every_range_names_its_own_start()
    {
        await using var scope = await OpenAsync();
        var feed = new CosmosEventFeed(scope.Database, fixture.Requests);
        var stream = "cart-" + Guid.NewGuid().ToString("N");
        var events = new CosmosEventStore(scope.Database, fixture.Requests);

        // One append each: the items of one transactional batch share a position in the change feed and come together.
        for (var version = 0; version < 5; version++)
        {
            await events.AppendAsync(new AppendRequest(stream, version, [Event()]), Ct);
        }

        var ranges = FeedCheckpoint.Parse(await DrainAsync(feed, null)).Ranges.Select(r => r with { Continuation = null }).ToList();

        // The stream's events are in exactly one range: the one that has them when read alone.
        var holding = new List<int>();
        for (var i = 0; i < ranges.Count; i++)
        {
            if ((await feed.ReadAsync(new FeedCheckpoint([ranges[i]], 0).Encode(), 100, Ct)).Events.Count > 0)
            {
                holding.Add(i);
            }
        }

        var range = Assert.Single(holding);
        for (var start = 0; start < ranges.Count; start++)
        {
            var checkpoint = new FeedCheckpoint(ranges, start).Encode();

            var first = await feed.ReadAsync(checkpoint, 3, Ct);
            Assert.Equal([1L, 2L, 3L], first.Events.Select(e => e.Version));
            Assert.Equal((range + 1) % ranges.Count, FeedCheckpoint.Parse(first.Checkpoint).NextRange);
            var rest = await feed.ReadAsync(first.Checkpoint, 100, Ct);
            Assert.Equal([4L, 5L], rest.Events.Select(e => e.Version));

            var all = await feed.ReadAsync(checkpoint, 100, Ct);
            Assert.Equal(5, all.Events.Count);
            Assert.Equal(start, FeedCheckpoint.Parse(all.Checkpoint).NextRange);
        }
    }

    [Fact]
    public async Task The_lag_counts_events_only_not_the_tip_nor_the_idempotency_record_written_with_them()
    {
        await using var scope = await OpenAsync();
        var feed = new CosmosEventFeed(scope.Database, fixture.Requests);
        var stream = "cart-" + Guid.NewGuid().ToString("N");
        var reply = new CommandReply(201, Encoding.UTF8.GetBytes("{}"), "application/json", 3, null);
        await new CosmosEventStore(scope.Database, fixture.Requests).AppendAsync(
            new AppendRequest(stream, 0, [Event(), Event(), Event()], Idempotency: new IdempotencyRecord("key-1", stream, "POST /api/carts", reply, DateTimeOffset.UtcNow)),
            Ct);

        Assert.Equal(3, await feed.EstimateLagAsync(null, Ct));
        var batch = await feed.ReadAsync(null, 100, Ct);
        Assert.Equal([1L, 2L, 3L], batch.Events.Select(e => e.Version));
        Assert.Equal(0, await feed.EstimateLagAsync(batch.Checkpoint, Ct));
    }

    [Fact]
    public async Task A_wait_with_nothing_new_lasts_its_whole_timeout_and_one_whose_time_is_up_peeks_at_nothing()
    {
        await using var scope = await OpenAsync();
        var log = new CapturingLogger<CosmosRequests>();
        var feed = new CosmosEventFeed(scope.Database, CosmosContractDatabase.RequestsLoggingTo(log));
        var head = (await feed.ReadAsync(null, 10, Ct)).Checkpoint;

        var waited = Stopwatch.StartNew();
        await feed.WaitForEventsAsync(head, s_pollInterval * 5, Ct);
        Assert.True(waited.Elapsed >= s_pollInterval * 5, $"the wait returned after {waited.Elapsed}");

        // A wait whose time is already up peeks at nothing. (One of exactly the poll interval may
        // still peek once: Task.Delay counts whole milliseconds and can end just before the deadline.)
        var peeks = Peeks(log);
        await feed.WaitForEventsAsync(head, TimeSpan.Zero, Ct);
        await feed.WaitForEventsAsync(head, TimeSpan.FromSeconds(-1), Ct);
        Assert.Equal(peeks, Peeks(log));
    }

    [Fact]
    public async Task A_wait_with_events_there_returns_after_one_poll_and_a_read_of_no_events_is_refused()
    {
        await using var scope = await OpenAsync();
        var feed = new CosmosEventFeed(scope.Database, fixture.Requests);
        await new CosmosEventStore(scope.Database, fixture.Requests).AppendAsync(new AppendRequest("cart-" + Guid.NewGuid().ToString("N"), 0, [Event()]), Ct);

        var waited = Stopwatch.StartNew();
        await feed.WaitForEventsAsync(null, TimeSpan.FromMinutes(5), Ct);

        Assert.True(waited.Elapsed < TimeSpan.FromMinutes(4), $"the wait took {waited.Elapsed}");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => feed.ReadAsync(null, 0, Ct));
    }

    [Fact]
    public async Task Reading_the_feed_of_a_database_not_created_yet_creates_it_first()
    {
        await using var scope = fixture.Own(o => o.FeedPollInterval = s_pollInterval);
        var feed = new CosmosEventFeed(scope.Database, fixture.Requests);

        var batch = await feed.ReadAsync(null, 10, Ct);

        Assert.Empty(batch.Events);
        Assert.Equal("/streamId", (await scope.Database.Events.ReadContainerAsync(cancellationToken: Ct)).Resource.PartitionKeyPath);
    }

    private static int Peeks(CapturingLogger<CosmosRequests> log) => log.Entries.Count(e => Equals(e.Values["Operation"], "peek-feed"));

    private static EventToAppend Event() =>
        new(Guid.NewGuid(), "ItemAdded.v1", Encoding.UTF8.GetBytes("{\"n\":1}"), new EventMetadata("alice", DateTimeOffset.UtcNow));

    private static async Task<string> DrainAsync(CosmosEventFeed feed, string? checkpoint)
    {
        while (true)
        {
            var batch = await feed.ReadAsync(checkpoint, 500, Ct);
            checkpoint = batch.Checkpoint;
            if (batch.Events.Count == 0)
            {
                return checkpoint;
            }
        }
    }

    private async Task<OwnDatabase> OpenAsync()
    {
        var own = fixture.Own(o => o.FeedPollInterval = s_pollInterval);
        await own.Database.ReadyAsync(Ct);
        return own;
    }
}
