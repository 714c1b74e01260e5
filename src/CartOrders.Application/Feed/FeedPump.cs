using System.Diagnostics;
using CartOrders.Application.Ports;
using Microsoft.Extensions.Logging;

namespace CartOrders.Application.Feed;

/// <summary>A subscriber to the event feed. Handlers are idempotent by (stream, version): the feed is at-least-once.</summary>
public interface IFeedHandler
{
    /// <summary>The subscription's name; its checkpoint is stored under it.</summary>
    string Subscription { get; }

    Task HandleAsync(IReadOnlyList<StoredEvent> events, CancellationToken cancellationToken);
}

/// <summary>
/// Moves one subscription along the feed: read a batch after the checkpoint, hand it to the
/// handler, and only then save the checkpoint the batch gave. A crash between the two replays
/// the batch (at-least-once). A transient failure leaves the checkpoint where it was (the batch
/// comes again). A permanent failure is narrowed down to the streams that cause it: those
/// streams' events are parked with the reason and every other stream goes on, in order.
/// The checkpoint is saved only if no other pump saved one since this one read it (compare and set on
/// the version the store gave): a pump that lost its lock to another instance, and handled a batch the
/// other has handled too (handlers are idempotent), cannot move the checkpoint back; it ends its run.
/// </summary>
public sealed partial class FeedPump(IEventFeed feed, ICheckpointStore checkpoints, IFeedHandler handler, IParkedEventStore parking, ILogger<FeedPump> logger)
{
    public const int DefaultBatchSize = 256;

    /// <summary>At most this many command traces are linked from one batch's activity.</summary>
    public const int MaxTraceLinks = 32;

    // A full batch means the subscription is behind (a catch-up, a rebuild): the next batch is
    // read while this one is handled. It is used only by a run that starts from the checkpoint it
    // was read after; the feed after a checkpoint does not change, it only grows.
    private ReadAhead? _readAhead;

    private sealed record ReadAhead(string After, int MaxEvents, Task<FeedBatch> Batch);

    public string Subscription => handler.Subscription;

    /// <summary>
    /// Handles one batch; returns how many events it held, or 0 when the subscription is caught up or
    /// another pump saved the checkpoint first. One caller at a time per pump.
    /// </summary>
    public async Task<int> RunOnceAsync(int maxEvents = DefaultBatchSize, CancellationToken cancellationToken = default)
    {
        var stored = await checkpoints.ReadAsync(handler.Subscription, cancellationToken);
        var checkpoint = stored?.Value;
        var ahead = Interlocked.Exchange(ref _readAhead, null);
        var batch = ahead is not null && ahead.After == checkpoint && ahead.MaxEvents == maxEvents
            ? await ahead.Batch
            : await feed.ReadAsync(checkpoint, maxEvents, cancellationToken);
        if (batch.Events.Count == maxEvents)
        {
            var after = batch.Checkpoint;
            var next = Task.Run(() => feed.ReadAsync(after, maxEvents, CancellationToken.None), CancellationToken.None);
            _ = next.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            _readAhead = new ReadAhead(after, maxEvents, next);
        }

        if (batch.Events.Count == 0)
        {
            if (batch.Checkpoint != checkpoint)
            {
                await SaveAsync(batch.Checkpoint, stored);
            }

            return 0;
        }

        using (var activity = Telemetry.Source.StartActivity("feed " + handler.Subscription, ActivityKind.Consumer, parentContext: default, links: TraceLinks(batch.Events)))
        {
            activity?.SetTag("cartorders.feed.events", batch.Events.Count);

            // Once read, a batch is finished even during shutdown, so its checkpoint is saved.
            await HandleAsync(batch.Events);
        }

        if (!await SaveAsync(batch.Checkpoint, stored))
        {
            return 0;
        }

        Telemetry.FeedEventsHandled.Add(batch.Events.Count, new KeyValuePair<string, object?>("subscription", handler.Subscription));
        LogBatch(logger, handler.Subscription, batch.Events.Count);
        return batch.Events.Count;
    }

    private async Task<bool> SaveAsync(string checkpoint, StoredCheckpoint? read)
    {
        if (await checkpoints.TrySaveAsync(handler.Subscription, checkpoint, read?.Version, CancellationToken.None))
        {
            return true;
        }

        // Another pump has saved since this one read: what it read ahead is from an old position.
        _readAhead = null;
        LogCheckpointMoved(logger, handler.Subscription);
        return false;
    }

    /// <summary>
    /// The traces of the commands that appended a batch's events: a command stores its W3C trace id
    /// as the events' correlation id, and one batch serves many commands, so the batch's activity
    /// links to each of them rather than having one parent. Only the trace id is stored, so the
    /// link names the trace, not a span of it.
    /// </summary>
    public static IReadOnlyList<ActivityLink> TraceLinks(IReadOnlyList<StoredEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var links = new List<ActivityLink>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var stored in events)
        {
            if (links.Count == MaxTraceLinks)
            {
                break;
            }

            if (stored.Metadata.CorrelationId is { } id && IsW3CTraceId(id) && seen.Add(id))
            {
                links.Add(new ActivityLink(new ActivityContext(ActivityTraceId.CreateFromString(id), default, ActivityTraceFlags.Recorded)));
            }
        }

        return links;
    }

    private static bool IsW3CTraceId(string id) =>
        id.Length == 32 && id.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f') && id.Any(c => c != '0');

    private async Task HandleAsync(IReadOnlyList<StoredEvent> events)
    {
        var streams = events.Select(e => e.StreamId).Distinct().ToList();
        var parked = await parking.ParkedStreamsAsync(handler.Subscription, streams, CancellationToken.None);
        if (parked.Count > 0)
        {
            await ParkAsync(events.Where(e => parked.Contains(e.StreamId)), "An earlier event of this stream is parked.");
            events = [.. events.Where(e => !parked.Contains(e.StreamId))];
        }

        if (events.Count == 0)
        {
            return;
        }

        try
        {
            await handler.HandleAsync(events, CancellationToken.None);
        }
        catch (Exception error) when (FeedFailure.IsPermanent(error))
        {
            // Find the streams that fail for good; the rest are handled again (handlers are idempotent).
            foreach (var stream in events.GroupBy(e => e.StreamId))
            {
                try
                {
                    await handler.HandleAsync([.. stream], CancellationToken.None);
                }
                catch (Exception streamError) when (FeedFailure.IsPermanent(streamError))
                {
                    LogParked(logger, streamError, handler.Subscription, stream.Key, stream.First().Version);
                    await ParkAsync(stream, $"{streamError.GetType().Name}: {streamError.Message}");
                }
            }
        }
    }

    private Task ParkAsync(IEnumerable<StoredEvent> events, string reason)
    {
        var now = DateTimeOffset.UtcNow;
        return parking.ParkAsync([.. events.Select(e => new ParkedEvent(handler.Subscription, e, reason, now))], CancellationToken.None);
    }

    /// <summary>Handles batches until caught up or the time budget is spent (timer-driven hosts).</summary>
    public async Task<int> DrainAsync(TimeSpan budget, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var total = 0;
        int handled;
        do
        {
            handled = await RunOnceAsync(DefaultBatchSize, cancellationToken);
            total += handled;
        }
        while (handled > 0 && clock.Elapsed < budget && !cancellationToken.IsCancellationRequested);

        return total;
    }

    /// <summary>Waits until the feed may have events past this subscription's checkpoint, or the timeout.</summary>
    public async Task WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        await feed.WaitForEventsAsync(await checkpoints.LoadAsync(handler.Subscription, cancellationToken), timeout, cancellationToken);

    public async Task<long> LagAsync(CancellationToken cancellationToken = default) =>
        await feed.EstimateLagAsync(await checkpoints.LoadAsync(handler.Subscription, cancellationToken), cancellationToken);

    [LoggerMessage(Level = LogLevel.Error, Message = "Feed {Subscription} parked stream {StreamId} from version {Version}")]
    private static partial void LogParked(ILogger logger, Exception error, string subscription, string streamId, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Feed {Subscription}: another pump saved the checkpoint since this one read it; this pump's checkpoint is dropped (its batch was handled twice, which handlers allow)")]
    private static partial void LogCheckpointMoved(ILogger logger, string subscription);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Feed {Subscription} handled {Count} events")]
    private static partial void LogBatch(ILogger logger, string subscription, int count);
}
