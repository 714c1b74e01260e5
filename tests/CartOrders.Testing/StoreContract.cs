using System.Text;
using CartOrders.Application.Feed;
using CartOrders.Application.Ports;
using Microsoft.Extensions.Logging.Abstractions;

namespace CartOrders.Testing;

/// <summary>
/// The store contract, written once and run against every store: atomic append at an expected
/// version, idempotency records, read ranges, snapshots, the feed's order and resumption,
/// checkpoints, views, and concurrent appenders. Each test uses its own streams, so a shared
/// database (a Cosmos account) can run the suite repeatedly.
/// </summary>
public abstract class StoreContract
{
    /// <summary>A fresh store (or a fresh view of a shared one).</summary>
    protected abstract Task<StoreUnderTest> CreateStoreAsync();

    /// <summary>Whether the feed sees only this test's events (a fresh store) or also others'.</summary>
    protected virtual bool FeedIsIsolated => true;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static string NewStream(string prefix = "cart") => $"{prefix}-{Guid.NewGuid():N}";

    protected static EventToAppend Event(string type = "ItemAdded.v1", string json = "{\"n\":1}", string user = "alice") =>
        new(Guid.NewGuid(), type, Encoding.UTF8.GetBytes(json), new EventMetadata(user, DateTimeOffset.UtcNow, "corr-1"));

    [Fact]
    public async Task Appended_events_read_back_in_version_order_with_their_metadata()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream();
        var first = Event(json: "{\"n\":1}");
        var second = Event(json: "{\"n\":2}", user: "bob");

        var result = await store.Events.AppendAsync(new AppendRequest(stream, 0, [first, second]), Ct);

        Assert.Equal(2, result.NextVersion);
        var read = await store.Events.ReadStreamAsync(stream, cancellationToken: Ct);
        Assert.Equal([1L, 2L], read.Select(e => e.Version));
        Assert.Equal([first.EventId, second.EventId], read.Select(e => e.EventId));
        Assert.Equal("{\"n\":2}", Encoding.UTF8.GetString(read[1].Data.Span));
        Assert.Equal("bob", read[1].Metadata.UserId);
        Assert.Equal("corr-1", read[1].Metadata.CorrelationId);
        Assert.Equal(first.Metadata.OccurredAt.UtcTicks / TimeSpan.TicksPerMillisecond, read[0].Metadata.OccurredAt.UtcTicks / TimeSpan.TicksPerMillisecond);
        Assert.All(read, e => Assert.Equal(stream, e.StreamId));
    }

    [Fact]
    public async Task Append_at_a_stale_expected_version_is_refused_and_writes_nothing()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream();
        await store.Events.AppendAsync(new AppendRequest(stream, 0, [Event()]), Ct);

        var refused = await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => store.Events.AppendAsync(new AppendRequest(stream, 0, [Event(), Event()]), Ct));

        Assert.Equal(0, refused.Expected);
        Assert.Single(await store.Events.ReadStreamAsync(stream, cancellationToken: Ct));
    }

    [Fact]
    public async Task Append_ahead_of_the_stream_is_refused()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream();

        await Assert.ThrowsAsync<WrongExpectedVersionException>(
            () => store.Events.AppendAsync(new AppendRequest(stream, 3, [Event()]), Ct));

        Assert.Empty(await store.Events.ReadStreamAsync(stream, cancellationToken: Ct));
    }

    [Fact]
    public async Task Reading_a_range_returns_only_the_versions_asked_for()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream();
        await store.Events.AppendAsync(new AppendRequest(stream, 0, [.. Enumerable.Range(0, 10).Select(_ => Event())]), Ct);

        var middle = await store.Events.ReadStreamAsync(stream, 4, 7, Ct);
        var tail = await store.Events.ReadStreamAsync(stream, 9, cancellationToken: Ct);
        var none = await store.Events.ReadStreamAsync(stream, 11, cancellationToken: Ct);

        Assert.Equal([4L, 5L, 6L, 7L], middle.Select(e => e.Version));
        Assert.Equal([9L, 10L], tail.Select(e => e.Version));
        Assert.Empty(none);
        Assert.Empty(await store.Events.ReadStreamAsync(NewStream(), cancellationToken: Ct));
    }

    [Fact]
    public async Task A_snapshot_written_with_an_append_reads_back()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream();
        var at = DateTimeOffset.UtcNow;
        var snapshot = new Snapshot(stream, 2, "Cart.v1", Encoding.UTF8.GetBytes("{\"s\":2}"), at);

        await store.Events.AppendAsync(new AppendRequest(stream, 0, [Event(), Event()], snapshot), Ct);
        var read = await store.Events.ReadSnapshotAsync(stream, Ct);

        Assert.NotNull(read);
        Assert.Equal(2, read.Version);
        Assert.Equal("Cart.v1", read.Schema);
        Assert.Equal("{\"s\":2}", Encoding.UTF8.GetString(read.State.Span));
        Assert.Null(await store.Events.ReadSnapshotAsync(NewStream(), Ct));
    }

    [Fact]
    public async Task An_idempotency_record_is_stored_with_the_events_and_a_second_one_with_the_same_key_is_refused()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream();
        var key = "idem-" + Guid.NewGuid().ToString("N");
        var reply = new CommandReply(200, Encoding.UTF8.GetBytes("{\"ok\":true}"), "application/json", 1, "/api/carts/x");
        var record = new IdempotencyRecord(key, stream, "POST /x", reply, DateTimeOffset.UtcNow);

        await store.Events.AppendAsync(new AppendRequest(stream, 0, [Event()], Idempotency: record), Ct);
        await Assert.ThrowsAsync<IdempotencyKeyTakenException>(
            () => store.Events.AppendAsync(new AppendRequest(stream, 1, [Event()], Idempotency: record), Ct));

        Assert.Single(await store.Events.ReadStreamAsync(stream, cancellationToken: Ct));
        var found = await store.Events.FindIdempotencyAsync(stream, key, Ct);
        Assert.NotNull(found);
        Assert.Equal("POST /x", found.Fingerprint);
        Assert.Equal(200, found.Reply.Status);
        Assert.Equal(1, found.Reply.Version);
        Assert.Equal("/api/carts/x", found.Reply.Location);
        Assert.Equal("{\"ok\":true}", Encoding.UTF8.GetString(found.Reply.Body.Span));
        Assert.Null(await store.Events.FindIdempotencyAsync(stream, key + "-other", Ct));
    }

    [Fact]
    public async Task An_idempotency_record_can_be_stored_without_events()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream();
        var key = "idem-" + Guid.NewGuid().ToString("N");
        var reply = new CommandReply(409, Encoding.UTF8.GetBytes("{}"), "application/problem+json", null, null);

        await store.Events.AppendAsync(new AppendRequest(stream, 0, [], Idempotency: new IdempotencyRecord(key, stream, "f", reply, DateTimeOffset.UtcNow)), Ct);

        Assert.Empty(await store.Events.ReadStreamAsync(stream, cancellationToken: Ct));
        Assert.Equal(409, (await store.Events.FindIdempotencyAsync(stream, key, Ct))?.Reply.Status);
    }

    [Fact]
    public async Task A_refused_append_does_not_store_its_idempotency_record()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream();
        var key = "idem-" + Guid.NewGuid().ToString("N");
        var reply = new CommandReply(200, Encoding.UTF8.GetBytes("{}"), "application/json", 1, null);

        await Assert.ThrowsAsync<WrongExpectedVersionException>(() => store.Events.AppendAsync(
            new AppendRequest(stream, 5, [Event()], Idempotency: new IdempotencyRecord(key, stream, "f", reply, DateTimeOffset.UtcNow)), Ct));

        Assert.Null(await store.Events.FindIdempotencyAsync(stream, key, Ct));
    }

    [Fact]
    public async Task The_feed_delivers_every_event_in_version_order_per_stream_and_resumes_after_its_checkpoint()
    {
        await using var store = await CreateStoreAsync();
        var streams = Enumerable.Range(0, 5).Select(_ => NewStream()).ToList();
        foreach (var round in Enumerable.Range(0, 4))
        {
            foreach (var stream in streams)
            {
                await store.Events.AppendAsync(new AppendRequest(stream, round * 2, [Event(), Event()]), Ct);
            }
        }

        var subscription = "contract-" + Guid.NewGuid().ToString("N");
        var seen = new List<StoredEvent>();
        for (var i = 0; i < 1000; i++)
        {
            var checkpoint = await store.Checkpoints.LoadAsync(subscription, Ct);
            var batch = await store.Feed.ReadAsync(checkpoint, 7, Ct);
            seen.AddRange(batch.Events.Where(e => streams.Contains(e.StreamId)));
            await store.Checkpoints.SaveAsync(subscription, batch.Checkpoint, Ct);
            if (batch.Events.Count == 0 && seen.Count >= 40)
            {
                break;
            }
        }

        Assert.Equal(40, seen.DistinctBy(e => (e.StreamId, e.Version)).Count());
        foreach (var stream in streams)
        {
            var versions = seen.Where(e => e.StreamId == stream).Select(e => e.Version).Distinct().ToList();
            Assert.Equal(Enumerable.Range(1, 8).Select(v => (long)v), versions);
        }

        // Resuming after the saved checkpoint sees only what came later.
        var later = NewStream();
        await store.Events.AppendAsync(new AppendRequest(later, 0, [Event()]), Ct);
        var resumed = await ReadUntilAsync(store, subscription, e => e.StreamId == later);
        Assert.DoesNotContain(resumed, e => streams.Contains(e.StreamId) && FeedIsIsolated);
        Assert.Contains(resumed, e => e.StreamId == later && e.Version == 1);
    }

    [Fact]
    public async Task The_feed_reports_its_lag_and_wakes_a_waiter_when_events_arrive()
    {
        await using var store = await CreateStoreAsync();
        var head = await DrainAsync(store.Feed, null);
        Assert.Equal(0, await store.Feed.EstimateLagAsync(head, Ct));

        var waiting = store.Feed.WaitForEventsAsync(head, TimeSpan.FromSeconds(30), Ct);
        await store.Events.AppendAsync(new AppendRequest(NewStream(), 0, [Event(), Event()]), Ct);
        await waiting.WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.True(await store.Feed.EstimateLagAsync(head, Ct) >= (FeedIsIsolated ? 2 : 1));
    }

    [Fact]
    public async Task Checkpoints_are_kept_per_subscription()
    {
        await using var store = await CreateStoreAsync();
        var a = "a-" + Guid.NewGuid().ToString("N");
        var b = "b-" + Guid.NewGuid().ToString("N");

        Assert.Null(await store.Checkpoints.LoadAsync(a, Ct));
        await store.Checkpoints.SaveAsync(a, "one", Ct);
        await store.Checkpoints.SaveAsync(b, "two", Ct);
        await store.Checkpoints.SaveAsync(a, "three", Ct);

        Assert.Equal("three", await store.Checkpoints.LoadAsync(a, Ct));
        Assert.Equal("two", await store.Checkpoints.LoadAsync(b, Ct));
    }

    [Fact]
    public async Task A_checkpoint_saved_against_a_version_that_another_save_replaced_is_refused_and_the_newer_one_stays()
    {
        await using var store = await CreateStoreAsync();
        var subscription = "cas-" + Guid.NewGuid().ToString("N");

        Assert.Null(await store.Checkpoints.ReadAsync(subscription, Ct));
        Assert.True(await store.Checkpoints.TrySaveAsync(subscription, "one", expectedVersion: null, Ct));
        Assert.False(await store.Checkpoints.TrySaveAsync(subscription, "first-again", expectedVersion: null, Ct));
        var one = await store.Checkpoints.ReadAsync(subscription, Ct);
        Assert.Equal("one", one?.Value);

        Assert.True(await store.Checkpoints.TrySaveAsync(subscription, "two", one!.Version, Ct));
        Assert.False(await store.Checkpoints.TrySaveAsync(subscription, "one-and-a-half", one.Version, Ct));

        var two = await store.Checkpoints.ReadAsync(subscription, Ct);
        Assert.Equal("two", two?.Value);
        Assert.NotEqual(one.Version, two!.Version);
        Assert.Equal("two", await store.Checkpoints.LoadAsync(subscription, Ct));
    }

    [Fact]
    public async Task A_pump_that_read_its_checkpoint_before_another_pump_saved_twice_cannot_move_it_back()
    {
        await using var store = await CreateStoreAsync();
        var subscription = "pumps-" + Guid.NewGuid().ToString("N");
        var stream = NewStream();
        var ahead = new FeedPump(store.Feed, store.Checkpoints, new IgnoringHandler(subscription), new NothingParked(), NullLogger<FeedPump>.Instance);
        var stalled = new StallingHandler(subscription);
        var behind = new FeedPump(store.Feed, store.Checkpoints, stalled, new NothingParked(), NullLogger<FeedPump>.Instance);

        await store.Events.AppendAsync(new AppendRequest(stream, 0, [Event()]), Ct);
        var first = await PumpPastAsync(store, ahead, null);

        // The stalled pump reads the first checkpoint and its batch, then waits inside its handler,
        // as an instance that lost its lock would, while the other pump saves twice.
        await store.Events.AppendAsync(new AppendRequest(stream, 1, [Event()]), Ct);
        await store.Feed.WaitForEventsAsync(first, TimeSpan.FromSeconds(20), Ct);
        var stalledRun = behind.RunOnceAsync(10_000, Ct);
        await stalled.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        var second = await PumpPastAsync(store, ahead, first);
        await store.Events.AppendAsync(new AppendRequest(stream, 2, [Event()]), Ct);
        var third = await PumpPastAsync(store, ahead, second);

        stalled.Release.SetResult();

        Assert.Equal(0, await stalledRun.WaitAsync(TimeSpan.FromSeconds(20), Ct));
        Assert.Contains(stalled.Seen, e => e.StreamId == stream && e.Version == 2);
        Assert.Equal(third, await store.Checkpoints.LoadAsync(subscription, Ct));
    }

    /// <summary>Runs the pump until its saved checkpoint is past <paramref name="previous"/>; returns the new one.</summary>
    private static async Task<string> PumpPastAsync(StoreUnderTest store, FeedPump pump, string? previous)
    {
        await store.Feed.WaitForEventsAsync(previous, TimeSpan.FromSeconds(20), Ct);
        Assert.True(await pump.RunOnceAsync(10_000, Ct) > 0);
        var saved = await store.Checkpoints.LoadAsync(pump.Subscription, Ct);
        Assert.NotNull(saved);
        Assert.NotEqual(previous, saved);
        return saved;
    }

    private sealed class IgnoringHandler(string subscription) : IFeedHandler
    {
        public string Subscription => subscription;

        public Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class StallingHandler(string subscription) : IFeedHandler
    {
        public string Subscription => subscription;

        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<StoredEvent> Seen { get; } = [];

        public async Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            Seen.AddRange(events);
            Entered.TrySetResult();
            await Release.Task;
        }
    }

    /// <summary>No stream is parked: these handlers never fail, so parking is not under test here.</summary>
    private sealed class NothingParked : IParkedEventStore
    {
        public Task ParkAsync(IReadOnlyList<ParkedEvent> events, CancellationToken cancellationToken = default) =>
            throw new InvalidOperationException("No event should be parked in this test.");

        public Task<IReadOnlySet<string>> ParkedStreamsAsync(string subscription, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());

        public Task<IReadOnlyList<ParkedEvent>> ListAsync(string? subscription, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<ParkedEvent>>([]);

        public Task RemoveAsync(string subscription, string streamId, long throughVersion, CancellationToken cancellationToken = default) =>
            Task.CompletedTask;
    }

    [Fact]
    public async Task Concurrent_appenders_on_one_stream_neither_lose_nor_duplicate_an_event()
    {
        await using var store = await CreateStoreAsync();
        var stream = NewStream();
        const int Writers = 8;
        const int PerWriter = 15;
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<Guid>();

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(w => Task.Run(
            async () =>
            {
                for (var i = 0; i < PerWriter; i++)
                {
                    var e = Event(json: $"{{\"w\":{w},\"i\":{i}}}");
                    while (true)
                    {
                        var current = (await store.Events.ReadStreamAsync(stream, cancellationToken: Ct)).Count;
                        try
                        {
                            await store.Events.AppendAsync(new AppendRequest(stream, current, [e]), Ct);
                            acknowledged.Add(e.EventId);
                            break;
                        }
                        catch (WrongExpectedVersionException)
                        {
                        }
                    }
                }
            },
            Ct)));

        var read = await store.Events.ReadStreamAsync(stream, cancellationToken: Ct);
        Assert.Equal(Writers * PerWriter, read.Count);
        Assert.Equal(Enumerable.Range(1, Writers * PerWriter).Select(v => (long)v), read.Select(e => e.Version));
        Assert.Equal(acknowledged.Order(), read.Select(e => e.EventId).Order());
    }

    [Fact]
    public async Task A_view_is_only_replaced_by_a_newer_version_and_is_listed_for_its_members()
    {
        await using var store = await CreateStoreAsync();
        var id = Guid.NewGuid().ToString("N");
        var alice = "alice-" + id;
        var bob = "bob-" + id;

        Assert.True(await store.Views.UpsertAsync(View(id, 2, [alice, bob], "{\"v\":2}"), Ct));
        Assert.False(await store.Views.UpsertAsync(View(id, 1, [alice], "{\"v\":1}"), Ct));
        Assert.False(await store.Views.UpsertAsync(View(id, 2, [alice], "{\"v\":2}"), Ct));

        var read = await store.Views.GetAsync("cart", id, Ct);
        Assert.Equal(2, read?.Version);
        Assert.Equal("{\"v\":2}", Encoding.UTF8.GetString(read!.Json.Span));
        Assert.Single((await store.Views.ListForMemberAsync("cart", bob, PageRequest.First(50), Ct)).Items);

        Assert.True(await store.Views.UpsertAsync(View(id, 3, [alice], "{\"v\":3}"), Ct));
        Assert.Empty((await store.Views.ListForMemberAsync("cart", bob, PageRequest.First(50), Ct)).Items);
        var listed = Assert.Single((await store.Views.ListForMemberAsync("cart", alice, PageRequest.First(50), Ct)).Items);
        Assert.Equal(3, listed.Version);
        Assert.Empty((await store.Views.ListForMemberAsync("order", alice, PageRequest.First(50), Ct)).Items);
        Assert.Null(await store.Views.GetAsync("order", id, Ct));
    }

    [Fact]
    public async Task Paging_through_1000_views_while_a_writer_adds_more_and_changes_listed_ones_sees_each_original_exactly_once()
    {
        await using var store = await CreateStoreAsync();
        var member = "pager-" + Guid.NewGuid().ToString("N");
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        var original = new List<string>();
        for (var i = 0; i < 1000; i++)
        {
            var id = $"{member}-{i:D4}";
            original.Add(id);
            await store.Views.UpsertAsync(new ViewDocument("cart", id, 1, [member], Encoding.UTF8.GetBytes("{}"), start.AddMilliseconds(i / 3)), Ct);
        }

        // Every change is a newer version made now, as the projector writes one. Versions come from
        // one counter, so each is newer than any earlier write of the same view.
        var version = 1L;
        var touched = 0;
        async Task TouchAsync(string id)
        {
            if (await store.Views.UpsertAsync(new ViewDocument("cart", id, Interlocked.Increment(ref version), [member], Encoding.UTF8.GetBytes("{}"), DateTimeOffset.UtcNow), Ct))
            {
                Interlocked.Increment(ref touched);
            }
        }

        using var stop = new CancellationTokenSource();
        var writer = Task.Run(
            async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested && i < 5000; i++)
                {
                    await store.Views.UpsertAsync(new ViewDocument("cart", $"{member}-new-{i}", 1, [member], Encoding.UTF8.GetBytes("{}"), DateTimeOffset.UtcNow), Ct);
                    await TouchAsync(original[Random.Shared.Next(original.Count)]);
                }
            },
            Ct);
        var seen = new List<string>();
        var page = await store.Views.ListForMemberAsync("cart", member, PageRequest.First(37), Ct);
        var pages = 1;
        while (true)
        {
            Assert.InRange(page.Items.Count, 0, 37);
            seen.AddRange(page.Items.Select(d => d.Id));
            if (page.Next is null)
            {
                break;
            }

            // Besides the writer's random changes, one certain case per page: a view not read yet (the
            // oldest) and one already read are changed between two pages.
            await TouchAsync(original[0]);
            if (seen.Count > 0)
            {
                await TouchAsync(seen[^1]);
            }

            page = await store.Views.ListForMemberAsync("cart", member, new PageRequest(37, page.Next), Ct);
            pages++;
            Assert.True(pages < 1000, "paging does not end");
        }

        await stop.CancelAsync();
        await writer;
        Assert.True(pages > 27 && touched >= 2 * (pages - 1), $"{touched} changes landed during a pass of {pages} pages");
        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(original.Order(StringComparer.Ordinal), seen.Where(id => !id.Contains("-new-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_view_page_is_most_recently_created_first_and_a_changed_view_keeps_its_place()
    {
        await using var store = await CreateStoreAsync();
        var member = "order-" + Guid.NewGuid().ToString("N");
        var start = DateTimeOffset.UtcNow.AddHours(-1);
        for (var i = 0; i < 5; i++)
        {
            await store.Views.UpsertAsync(new ViewDocument("cart", $"{member}-{i}", 1, [member], Encoding.UTF8.GetBytes("{}"), start.AddSeconds(i)), Ct);
        }

        // A page may hold fewer items than asked (a cross-partition ORDER BY yields when one
        // range's buffer runs dry), so the newest two are read over as many pages as it takes.
        var seen = new List<string>();
        var page = await store.Views.ListForMemberAsync("cart", member, PageRequest.First(2), Ct);
        seen.AddRange(page.Items.Select(d => d.Id));
        async Task ReadOnWhileAsync(Func<bool> more)
        {
            while (more() && page.Next is not null)
            {
                page = await store.Views.ListForMemberAsync("cart", member, new PageRequest(2, page.Next), Ct);
                Assert.InRange(page.Items.Count, 0, 2);
                seen.AddRange(page.Items.Select(d => d.Id));
            }
        }

        await ReadOnWhileAsync(() => seen.Count < 2);
        Assert.Equal([$"{member}-4", $"{member}-3"], seen.Take(2));
        await store.Views.UpsertAsync(new ViewDocument("cart", $"{member}-4", 2, [member], Encoding.UTF8.GetBytes("{}"), start.AddMinutes(5)), Ct);
        await store.Views.UpsertAsync(new ViewDocument("cart", $"{member}-1", 2, [member], Encoding.UTF8.GetBytes("{}"), start.AddMinutes(6)), Ct);
        await ReadOnWhileAsync(() => true);

        string[] created = [$"{member}-4", $"{member}-3", $"{member}-2", $"{member}-1", $"{member}-0"];
        Assert.Equal(created, seen);
        var again = await ListAllAsync(store, "cart", member);
        Assert.Equal(created, again.Select(d => d.Id));
        Assert.Equal(start.AddMinutes(6).ToUnixTimeMilliseconds(), again[3].UpdatedAt.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task Idle_views_of_a_status_are_listed_oldest_first_a_page_at_a_time()
    {
        await using var store = await CreateStoreAsync();
        var tag = Guid.NewGuid().ToString("N");
        var start = new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(1_000_000));
        for (var i = 0; i < 5; i++)
        {
            await store.Views.UpsertAsync(new ViewDocument("cart", $"{tag}-{i}", 1, ["alice"], Encoding.UTF8.GetBytes("{\"status\":\"open\"}"), start.AddDays(i)), Ct);
        }

        await store.Views.UpsertAsync(new ViewDocument("cart", $"{tag}-closed", 1, ["alice"], Encoding.UTF8.GetBytes("{\"status\":\"checkedOut\"}"), start), Ct);

        var seen = new List<string>();
        var page = new PageRequest(2, null);
        do
        {
            var idle = await store.Views.ListByStatusAsync("cart", "open", start.AddDays(3), page, Ct);
            seen.AddRange(idle.Items.Select(d => d.Id).Where(id => id.StartsWith(tag, StringComparison.Ordinal)));
            page = page with { After = idle.Next };
        }
        while (page.After is not null);

        Assert.Equal([$"{tag}-0", $"{tag}-1", $"{tag}-2"], seen);
    }

    /// <summary>A member's whole list, over as many pages as it takes (a Cosmos page may hold fewer than asked).</summary>
    private static async Task<List<ViewDocument>> ListAllAsync(StoreUnderTest store, string kind, string member)
    {
        var all = new List<ViewDocument>();
        var page = new PageRequest(50, null);
        do
        {
            var read = await store.Views.ListForMemberAsync(kind, member, page, Ct);
            all.AddRange(read.Items);
            page = page with { After = read.Next };
        }
        while (page.After is not null);
        return all;
    }

    [Fact]
    public async Task A_generation_built_beside_the_live_one_is_read_only_once_a_save_makes_it_live_and_the_old_one_can_then_be_dropped()
    {
        await using var store = await CreateStoreAsync();
        var generations = Assert.IsAssignableFrom<IViewGenerations>(store.Views);
        var id = Guid.NewGuid().ToString("N");
        var member = "gen-" + id;
        var before = await generations.ReadAsync(Ct);
        var next = before.Highest + 1;

        Assert.True(await store.Views.UpsertAsync(View(id, 1, [member], "{\"status\":\"open\",\"g\":\"old\"}"), Ct));
        Assert.True(await generations.UpsertAsync(View(id, 2, [member], "{\"status\":\"open\",\"g\":\"new\"}"), next, Ct));
        Assert.False(await generations.UpsertAsync(View(id, 1, [member], "{\"status\":\"open\",\"g\":\"older\"}"), next, Ct));

        Assert.Equal(1, (await store.Views.GetAsync("cart", id, Ct))?.Version);
        Assert.Equal(1, Assert.Single((await store.Views.ListForMemberAsync("cart", member, PageRequest.First(50), Ct)).Items).Version);
        Assert.Equal(2, (await generations.GetAsync("cart", id, next, Ct))?.Version);
        Assert.Equal(1, (await generations.GetAsync("cart", id, before.Live, Ct))?.Version);

        var building = before with { Rebuild = new ViewRebuildState(next, 7, DateTimeOffset.UtcNow, 42, TimeSpan.FromSeconds(3)) };
        Assert.True(await generations.TrySaveAsync(building, Ct));
        Assert.False(await generations.TrySaveAsync(building with { Live = next }, Ct));
        var saved = await generations.ReadAsync(Ct);
        Assert.Equal((next, 7, 42L, TimeSpan.FromSeconds(3)), (saved.Rebuild?.Generation, saved.Rebuild?.Version, saved.Rebuild?.EventsDone, saved.Rebuild?.Busy));
        Assert.Equal(1, (await store.Views.GetAsync("cart", id, Ct))?.Version);

        Assert.True(await generations.TrySaveAsync(saved with { Live = next, LiveVersion = 7, Rebuild = null, Retired = before.Live, RetiredAt = DateTimeOffset.UtcNow }, Ct));
        Assert.Equal(2, (await store.Views.GetAsync("cart", id, Ct))?.Version);
        var listed = Assert.Single((await store.Views.ListForMemberAsync("cart", member, PageRequest.First(50), Ct)).Items);
        Assert.Equal(("cart", 2L, "{\"status\":\"open\",\"g\":\"new\"}"), (listed.Kind, listed.Version, Encoding.UTF8.GetString(listed.Json.Span)));
        Assert.Contains(
            (await store.Views.ListByStatusAsync("cart", "open", DateTimeOffset.UtcNow.AddMinutes(1), PageRequest.First(200), Ct)).Items,
            v => v.Id == id && v.Version == 2);

        // A write to "the live views" now lands in the new generation.
        Assert.True(await store.Views.UpsertAsync(View(id, 3, [member], "{\"status\":\"open\",\"g\":\"newer\"}"), Ct));
        Assert.Equal(3, (await generations.GetAsync("cart", id, next, Ct))?.Version);

        await Assert.ThrowsAsync<InvalidOperationException>(() => generations.DropAsync(next, Ct));
        await generations.DropAsync(before.Live, Ct);
        Assert.Null(await generations.GetAsync("cart", id, before.Live, Ct));
        Assert.Equal(3, (await store.Views.GetAsync("cart", id, Ct))?.Version);
        Assert.Single((await store.Views.ListForMemberAsync("cart", member, PageRequest.First(50), Ct)).Items);
    }

    [Fact]
    public async Task The_first_save_of_the_generations_is_refused_when_another_writer_saved_first()
    {
        await using var store = await CreateStoreAsync();
        var generations = Assert.IsAssignableFrom<IViewGenerations>(store.Views);
        var current = await generations.ReadAsync(Ct);
        var version = current.LiveVersion + 1;

        Assert.True(await generations.TrySaveAsync(current with { LiveVersion = version }, Ct));
        Assert.False(await generations.TrySaveAsync(current with { LiveVersion = version + 1 }, Ct));
        Assert.Equal(version, (await generations.ReadAsync(Ct)).LiveVersion);
    }

    protected static ViewDocument View(string id, long version, string[] members, string json) =>
        new("cart", id, version, members, Encoding.UTF8.GetBytes(json), DateTimeOffset.UtcNow);

    private static async Task<string> DrainAsync(IEventFeed feed, string? checkpoint)
    {
        while (true)
        {
            var batch = await feed.ReadAsync(checkpoint, 500, Ct);
            if (batch.Events.Count == 0)
            {
                return batch.Checkpoint;
            }

            checkpoint = batch.Checkpoint;
        }
    }

    private static async Task<List<StoredEvent>> ReadUntilAsync(StoreUnderTest store, string subscription, Func<StoredEvent, bool> found)
    {
        var seen = new List<StoredEvent>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var checkpoint = await store.Checkpoints.LoadAsync(subscription, Ct);
            var batch = await store.Feed.ReadAsync(checkpoint, 100, Ct);
            seen.AddRange(batch.Events);
            await store.Checkpoints.SaveAsync(subscription, batch.Checkpoint, Ct);
            if (seen.Any(found))
            {
                return seen;
            }

            if (batch.Events.Count == 0)
            {
                await store.Feed.WaitForEventsAsync(batch.Checkpoint, TimeSpan.FromMilliseconds(200), Ct);
            }
        }

        return seen;
    }
}
