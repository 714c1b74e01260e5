using System.Text;
using CartOrders.Application.Feed;
using CartOrders.Application.Ports;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace CartOrders.Application.Tests;

/// <summary>
/// A pump's batches: the next one read while a full one is handled and used only when it follows
/// the saved checkpoint, empty batches that still move the checkpoint, draining, and its logs.
/// </summary>
public sealed class FeedPumpTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static EventToAppend Raw(string productId) =>
        new(Guid.NewGuid(), "ItemRemoved.v1", Encoding.UTF8.GetBytes($$"""{"productId":"{{productId}}"}"""), new EventMetadata("alice", DateTimeOffset.UtcNow));

    private static async Task<Harness> WithEventsAsync(int count)
    {
        var h = new Harness();
        await h.Store.AppendAsync(new AppendRequest("cart-c1", 0, [.. Enumerable.Range(1, count).Select(i => Raw($"p{i}"))]), Ct);
        return h;
    }

    [Fact]
    public async Task While_a_full_batch_is_handled_the_next_one_is_already_being_read()
    {
        await using var h = await WithEventsAsync(5);
        var feed = new WatchedFeed(h.Feed);
        var handler = new RecordingHandler { OnBatch = batch => batch[0].Version == 1 ? feed.Reads(2).WaitAsync(TimeSpan.FromSeconds(20), Ct) : Task.CompletedTask };
        var pump = new FeedPump(feed, h.Checkpoints, handler, h.Parking, NullLogger<FeedPump>.Instance);

        Assert.Equal(2, await pump.RunOnceAsync(2, Ct));
        Assert.Equal(2, await pump.RunOnceAsync(2, Ct));
        Assert.Equal(1, await pump.RunOnceAsync(2, Ct));
        Assert.Equal(0, await pump.RunOnceAsync(2, Ct));

        Assert.Equal([1L, 2, 3, 4, 5], handler.Versions);
        Assert.Equal([null, "2", "4", "5"], feed.ReadAfter);
    }

    [Fact]
    public async Task A_full_batch_that_failed_is_read_and_delivered_again()
    {
        await using var h = await WithEventsAsync(4);
        var failed = false;
        var handler = new RecordingHandler
        {
            OnBatch = _ =>
            {
                if (failed)
                {
                    return Task.CompletedTask;
                }

                failed = true;
                return Task.FromException(new TimeoutException("transient"));
            },
        };
        var pump = new FeedPump(h.Feed, h.Checkpoints, handler, h.Parking, NullLogger<FeedPump>.Instance);

        await Assert.ThrowsAsync<TimeoutException>(() => pump.RunOnceAsync(2, Ct));
        Assert.Equal(2, await pump.RunOnceAsync(2, Ct));
        Assert.Equal(2, await pump.RunOnceAsync(2, Ct));

        Assert.Equal([1L, 2, 1, 2, 3, 4], handler.Versions);
        Assert.Equal("4", await h.Checkpoints.LoadAsync(handler.Subscription, Ct));
    }

    [Fact]
    public async Task A_batch_of_another_size_than_the_one_read_ahead_is_read_afresh()
    {
        await using var h = await WithEventsAsync(6);
        var handler = new RecordingHandler();
        var pump = new FeedPump(h.Feed, h.Checkpoints, handler, h.Parking, NullLogger<FeedPump>.Instance);

        Assert.Equal(2, await pump.RunOnceAsync(2, Ct));
        Assert.Equal(3, await pump.RunOnceAsync(3, Ct));

        Assert.Equal([1L, 2, 3, 4, 5], handler.Versions);
    }

    [Fact]
    public async Task After_a_batch_that_was_not_full_events_appended_meanwhile_are_read()
    {
        await using var h = await WithEventsAsync(1);
        var handler = new RecordingHandler();
        var pump = new FeedPump(h.Feed, h.Checkpoints, handler, h.Parking, NullLogger<FeedPump>.Instance);

        Assert.Equal(1, await pump.RunOnceAsync(2, Ct));
        await h.Store.AppendAsync(new AppendRequest("cart-c2", 0, [Raw("p")]), Ct);

        Assert.Equal(1, await pump.RunOnceAsync(2, Ct));
        Assert.Equal(["cart-c1", "cart-c2"], handler.Streams);
    }

    [Fact]
    public async Task An_empty_batch_saves_the_checkpoint_it_gives_only_when_that_moved()
    {
        var feed = new EmptyFeed("moved");
        var checkpoints = new CountingCheckpoints();
        var pump = new FeedPump(feed, checkpoints, new RecordingHandler(), new NoParking(), NullLogger<FeedPump>.Instance);

        Assert.Equal(0, await pump.RunOnceAsync(10, Ct));
        Assert.Equal(0, await pump.RunOnceAsync(10, Ct));

        Assert.Equal(["moved"], checkpoints.Saved);
    }

    [Fact]
    public async Task Draining_stops_after_the_batch_during_which_it_was_cancelled()
    {
        await using var h = await WithEventsAsync(FeedPump.DefaultBatchSize + 10);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var handler = new RecordingHandler { OnBatch = _ => cancel.CancelAsync() };
        var pump = new FeedPump(h.Feed, h.Checkpoints, handler, h.Parking, NullLogger<FeedPump>.Instance);

        Assert.Equal(FeedPump.DefaultBatchSize, await pump.DrainAsync(TimeSpan.FromMinutes(1), cancel.Token));

        Assert.Equal(FeedPump.DefaultBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture), await h.Checkpoints.LoadAsync(handler.Subscription, Ct));
    }

    [Fact]
    public async Task A_handled_batch_is_logged_with_its_size_and_a_parked_stream_with_where_it_stopped()
    {
        await using var h = await WithEventsAsync(2);
        var log = new CapturingLogger<FeedPump>();
        var handler = new RecordingHandler { OnBatch = _ => Task.FromException(new PermanentFeedException("never")) };
        var pump = new FeedPump(h.Feed, h.Checkpoints, handler, h.Parking, log);

        Assert.Equal(2, await pump.RunOnceAsync(10, Ct));

        Assert.Equal(
            [(LogLevel.Error, "Feed recording parked stream cart-c1 from version 1"), (LogLevel.Debug, "Feed recording handled 2 events")],
            log.Entries.Select(e => (e.Level, e.Message)));
        Assert.IsType<PermanentFeedException>(log.Entries[0].Exception);
        var parked = await h.Parking.ListAsync("recording", Ct);
        Assert.Equal(("PermanentFeedException: never", 2), (parked[0].Reason, parked.Count));
    }

    [Fact]
    public async Task Draining_handles_batch_after_batch_until_caught_up()
    {
        await using var h = await WithEventsAsync(FeedPump.DefaultBatchSize + 10);
        var handler = new RecordingHandler();
        var pump = new FeedPump(h.Feed, h.Checkpoints, handler, h.Parking, NullLogger<FeedPump>.Instance);

        Assert.Equal(FeedPump.DefaultBatchSize + 10, await pump.DrainAsync(TimeSpan.FromMinutes(1), Ct));
        Assert.Equal(FeedPump.DefaultBatchSize + 10, handler.Versions.Length);
    }

    [Fact]
    public async Task Later_events_of_a_parked_stream_are_parked_behind_it_and_never_handed_to_the_handler()
    {
        await using var h = await WithEventsAsync(1);
        var handler = new RecordingHandler
        {
            OnBatch = batch => batch.Any(e => e.StreamId == "cart-c1" && e.Version == 1) ? Task.FromException(new PermanentFeedException("bad first event")) : Task.CompletedTask,
        };
        var pump = new FeedPump(h.Feed, h.Checkpoints, handler, h.Parking, NullLogger<FeedPump>.Instance);
        Assert.Equal(1, await pump.RunOnceAsync(10, Ct));
        var deliveries = handler.Batches;

        await h.Store.AppendAsync(new AppendRequest("cart-c1", 1, [Raw("p2")]), Ct);
        Assert.Equal(1, await pump.RunOnceAsync(10, Ct));
        await h.Store.AppendAsync(new AppendRequest("cart-c1", 2, [Raw("p3")]), Ct);
        await h.Store.AppendAsync(new AppendRequest("cart-c2", 0, [Raw("p1")]), Ct);
        Assert.Equal(2, await pump.RunOnceAsync(10, Ct));

        // The stream's later events never reach the handler, alone in a batch or not.
        Assert.Equal(deliveries + 1, handler.Batches);
        Assert.Equal(["cart-c2"], handler.Streams.Skip(handler.Streams.Length - 1));
        var parked = await h.Parking.ListAsync(handler.Subscription, Ct);
        Assert.Equal([1L, 2, 3], parked.Select(p => p.Event.Version));
        Assert.Equal(
            ["PermanentFeedException: bad first event", "An earlier event of this stream is parked.", "An earlier event of this stream is parked."],
            parked.Select(p => p.Reason));
    }

    private sealed class RecordingHandler : IFeedHandler
    {
        private readonly List<StoredEvent> _events = [];

        public Func<IReadOnlyList<StoredEvent>, Task>? OnBatch { get; init; }

        public string Subscription => "recording";

        public long[] Versions => [.. _events.Select(e => e.Version)];

        public string[] Streams => [.. _events.Select(e => e.StreamId)];

        public int Batches { get; private set; }

        public async Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            Batches++;
            _events.AddRange(events);
            if (OnBatch is { } onBatch)
            {
                await onBatch(events);
            }
        }
    }

    /// <summary>The feed, noting where each read starts.</summary>
    private sealed class WatchedFeed(IEventFeed inner) : IEventFeed
    {
        private readonly List<string?> _after = [];
        private readonly WaitableCount _reads = new();

        public IReadOnlyList<string?> ReadAfter
        {
            get
            {
                lock (_after)
                {
                    return [.. _after];
                }
            }
        }

        public Task Reads(int count) => _reads.Reached(count);

        public Task<FeedBatch> ReadAsync(string? checkpoint, int maxEvents, CancellationToken cancellationToken = default)
        {
            lock (_after)
            {
                _after.Add(checkpoint);
            }

            _reads.Add();
            return inner.ReadAsync(checkpoint, maxEvents, cancellationToken);
        }

        public Task<long> EstimateLagAsync(string? checkpoint, CancellationToken cancellationToken = default) => inner.EstimateLagAsync(checkpoint, cancellationToken);

        public Task WaitForEventsAsync(string? checkpoint, TimeSpan timeout, CancellationToken cancellationToken = default) =>
            inner.WaitForEventsAsync(checkpoint, timeout, cancellationToken);
    }

    /// <summary>A feed with no events whose position moves on, as a feed that skips over what no subscription sees.</summary>
    private sealed class EmptyFeed(string position) : IEventFeed
    {
        public Task<FeedBatch> ReadAsync(string? checkpoint, int maxEvents, CancellationToken cancellationToken = default) => Task.FromResult(new FeedBatch([], position));

        public Task<long> EstimateLagAsync(string? checkpoint, CancellationToken cancellationToken = default) => Task.FromResult(0L);

        public Task WaitForEventsAsync(string? checkpoint, TimeSpan timeout, CancellationToken cancellationToken = default) => Task.Delay(timeout, cancellationToken);
    }

    private sealed class CountingCheckpoints : ICheckpointStore
    {
        private string? _checkpoint;

        public List<string> Saved { get; } = [];

        public Task<string?> LoadAsync(string subscription, CancellationToken cancellationToken = default) => Task.FromResult(_checkpoint);

        public Task SaveAsync(string subscription, string checkpoint, CancellationToken cancellationToken = default)
        {
            Saved.Add(checkpoint);
            _checkpoint = checkpoint;
            return Task.CompletedTask;
        }

        /// <summary>The version of a checkpoint is how many saves it took to reach it.</summary>
        public Task<StoredCheckpoint?> ReadAsync(string subscription, CancellationToken cancellationToken = default) =>
            Task.FromResult(_checkpoint is null ? null : new StoredCheckpoint(_checkpoint, Saved.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        public async Task<bool> TrySaveAsync(string subscription, string checkpoint, string? expectedVersion, CancellationToken cancellationToken = default)
        {
            if ((await ReadAsync(subscription, cancellationToken))?.Version != expectedVersion)
            {
                return false;
            }

            await SaveAsync(subscription, checkpoint, cancellationToken);
            return true;
        }
    }

    private sealed class NoParking : IParkedEventStore
    {
        public Task ParkAsync(IReadOnlyList<ParkedEvent> events, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlySet<string>> ParkedStreamsAsync(string subscription, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());

        public Task<IReadOnlyList<ParkedEvent>> ListAsync(string? subscription, CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<ParkedEvent>>([]);

        public Task RemoveAsync(string subscription, string streamId, long throughVersion, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
