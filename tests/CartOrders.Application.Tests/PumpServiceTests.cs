using System.Diagnostics;
using CartOrders.Application.Feed;
using CartOrders.Application.Ports;
using CartOrders.Domain;
using CartOrders.Domain.Carts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static CartOrders.Application.Tests.Harness;

namespace CartOrders.Application.Tests;

/// <summary>The hosted loop around a feed pump: how it backs off after failures and starts over after a success.</summary>
public sealed class PumpServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_failing_pump_retries_the_same_batch_after_a_doubling_delay_that_starts_over_after_a_success()
    {
        await using var h = new Harness();
        var handler = new ScriptedHandler(fail: [true, true, false, true, false]);
        var log = new CapturingLogger<FeedPumpService>();
        using var service = new FeedPumpService(new FeedPump(h.Feed, h.Checkpoints, handler, h.Parking, NullLogger<FeedPump>.Instance), log);
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await service.StartAsync(Ct);

        await handler.Handled(1).WaitAsync(TimeSpan.FromSeconds(20), Ct);
        await h.Cart("c1", new AddItem(Alice, Product(0), 1));
        await handler.Handled(2).WaitAsync(TimeSpan.FromSeconds(20), Ct);
        await service.StopAsync(Ct);

        var failures = log.Entries.Where(e => e.Level == LogLevel.Error).ToList();
        Assert.Equal(
            [(1, TimeSpan.FromMilliseconds(200)), (2, TimeSpan.FromMilliseconds(400)), (1, TimeSpan.FromMilliseconds(200))],
            failures.Select(e => ((int)e.Values["Failures"]!, (TimeSpan)e.Values["Delay"]!)));
        Assert.All(failures, e => Assert.Equal(("scripted", "transient"), (e.Values["Subscription"], e.Exception?.Message)));
        Assert.Equal([1L, 1L, 1L, 2L, 2L], handler.Deliveries);
        Assert.Equal("2", await h.Checkpoints.LoadAsync(handler.Subscription, Ct));
    }

    [Fact]
    public async Task Stopping_the_host_during_a_back_off_ends_the_loop_without_another_attempt()
    {
        await using var h = new Harness();
        var handler = new ScriptedHandler(fail: [.. Enumerable.Repeat(true, 20)]);
        var log = new CapturingLogger<FeedPumpService>();
        using var service = new FeedPumpService(new FeedPump(h.Feed, h.Checkpoints, handler, h.Parking, NullLogger<FeedPump>.Instance), log);
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await service.StartAsync(Ct);
        await handler.Attempted(3).WaitAsync(TimeSpan.FromSeconds(20), Ct);

        // The third failure backs off 800 ms; stopping meanwhile ends the loop at once.
        await service.StopAsync(Ct).WaitAsync(TimeSpan.FromSeconds(20), Ct);

        Assert.Equal(3, handler.Deliveries.Count);
        Assert.NotNull(service.ExecuteTask);
        Assert.True(service.ExecuteTask.IsCompletedSuccessfully);
        Assert.Null(await h.Checkpoints.LoadAsync(handler.Subscription, Ct));
    }

    [Fact]
    public async Task An_event_after_a_quiet_time_is_handled_at_once_and_the_events_that_follow_within_the_batch_interval_as_one_batch()
    {
        await using var h = new Harness();
        var handler = new ScriptedHandler(fail: []);
        var interval = TimeSpan.FromSeconds(3);
        using var service = new FeedPumpService(new FeedPump(h.Feed, h.Checkpoints, handler, h.Parking, NullLogger<FeedPump>.Instance), NullLogger<FeedPumpService>.Instance, interval);
        await service.StartAsync(Ct);

        var clock = Stopwatch.StartNew();
        await h.Cart("c1", new CreateCart(Alice, new CartId("c1")));
        await handler.Handled(1).WaitAsync(TimeSpan.FromSeconds(20), Ct);
        var first = clock.Elapsed;
        for (var i = 0; i < 3; i++)
        {
            // Each its own append and commit, each waking the pump.
            await h.Cart("c1", new AddItem(Alice, Product(i), 1));
        }

        await handler.Handled(4).WaitAsync(TimeSpan.FromSeconds(20), Ct);
        var rest = clock.Elapsed;
        await service.StopAsync(Ct);

        Assert.True(first < interval, $"the first event waited {first} after a quiet time");
        Assert.True(rest >= interval, $"the next batch began {rest} after the first, before the interval");
        Assert.Equal([1L, 2L, 3L, 4L], handler.Deliveries);
        Assert.Equal(2, handler.Batches);
    }

    [Theory]
    [InlineData("-00:00:00.001", false)]
    [InlineData("00:00:00", true)]
    [InlineData("00:00:01", true)]
    [InlineData("00:00:01.001", false)]
    public void The_batch_interval_is_between_zero_and_one_second(string interval, bool valid)
    {
        Assert.Equal(valid, new FeedPumpOptions { BatchInterval = TimeSpan.Parse(interval, System.Globalization.CultureInfo.InvariantCulture) }.IsValid);
        Assert.Equal(TimeSpan.FromMilliseconds(20), new FeedPumpOptions().BatchInterval);
    }

    /// <summary>
    /// A pump reads the feed once and then waits for its signal: whether it found nothing, or a
    /// batch smaller than full (it is caught up as of that read; the wait looks at the feed first).
    /// </summary>
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public async Task A_pump_that_read_less_than_a_full_batch_waits_for_the_feed_to_signal_instead_of_reading_again(int events)
    {
        await using var h = new Harness();
        for (var i = 0; i < events; i++)
        {
            await h.Cart($"c{i}", new CreateCart(Alice, new CartId($"c{i}")));
        }

        var feed = new WaitWatchingFeed(h.Feed);
        var handler = new ScriptedHandler(fail: []);
        using var service = new FeedPumpService(new FeedPump(feed, h.Checkpoints, handler, h.Parking, NullLogger<FeedPump>.Instance), NullLogger<FeedPumpService>.Instance);

        await service.StartAsync(Ct);
        var readsBeforeWaiting = await feed.Waiting.WaitAsync(TimeSpan.FromSeconds(20), Ct);
        await service.StopAsync(Ct);

        Assert.Equal(1, readsBeforeWaiting);
        Assert.Equal(events, handler.Deliveries.Count);
    }

    /// <summary>The feed, completing <see cref="Waiting"/> with the number of reads so far when the pump first waits on it.</summary>
    private sealed class WaitWatchingFeed(IEventFeed inner) : IEventFeed
    {
        private readonly TaskCompletionSource<int> _waiting = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _reads;

        public Task<int> Waiting => _waiting.Task;

        public Task<FeedBatch> ReadAsync(string? checkpoint, int maxEvents, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _reads);
            return inner.ReadAsync(checkpoint, maxEvents, cancellationToken);
        }

        public Task<long> EstimateLagAsync(string? checkpoint, CancellationToken cancellationToken = default) => inner.EstimateLagAsync(checkpoint, cancellationToken);

        public Task WaitForEventsAsync(string? checkpoint, TimeSpan timeout, CancellationToken cancellationToken = default)
        {
            _waiting.TrySetResult(Volatile.Read(ref _reads));
            return inner.WaitForEventsAsync(checkpoint, timeout, cancellationToken);
        }
    }

    /// <summary>Fails its deliveries as scripted (true: a transient failure), then succeeds.</summary>
    private sealed class ScriptedHandler(bool[] fail) : IFeedHandler
    {
        private readonly List<long> _deliveries = [];
        private readonly WaitableCount _attempts = new();
        private readonly WaitableCount _handledUpTo = new();

        public string Subscription => "scripted";

        public IReadOnlyList<long> Deliveries
        {
            get
            {
                lock (_deliveries)
                {
                    return [.. _deliveries];
                }
            }
        }

        public Task Handled(long version) => _handledUpTo.Reached(version);

        public Task Attempted(int count) => _attempts.Reached(count);

        public long Batches => _attempts.Value;

        public Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken)
        {
            lock (_deliveries)
            {
                _deliveries.AddRange(events.Select(e => e.Version));
            }

            var attempt = (int)_attempts.Add() - 1;
            if (attempt < fail.Length && fail[attempt])
            {
                throw new TimeoutException("transient");
            }

            _handledUpTo.RaiseTo(events.Max(e => e.Version));
            return Task.CompletedTask;
        }
    }
}
