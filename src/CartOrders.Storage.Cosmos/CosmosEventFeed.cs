using System.Net;
using System.Text.Json;
using CartOrders.Application.Ports;
using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// The feed over the events container's change feed (pull model, latest-version mode), read range by
/// range from the continuation tokens in the checkpoint. Only <c>kind == "event"</c> items are
/// handed out; tips and idempotency records in the same partitions are skipped. At-least-once: the
/// checkpoint moves only when the caller saves the one a batch returned. A stream lives in one
/// partition key, and the change feed is ordered per partition key, so each stream's events come in
/// version order.
/// </summary>
internal sealed class CosmosEventFeed(CosmosDatabase database, CosmosRequests requests) : IEventFeed
{
    /// <summary>How far <see cref="EstimateLagAsync"/> looks into each range.</summary>
    public const int LagPageSize = 100;

    public async Task<FeedBatch> ReadAsync(string? checkpoint, int maxEvents, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        var start = await OpenAsync(checkpoint, cancellationToken);
        var ranges = start.Ranges.ToArray();
        var events = new List<StoredEvent>();
        var next = start.NextRange;

        // Each range is read until it is caught up (304) or the batch is full; the next batch
        // starts with the range after the last one read.
        for (var i = 0; i < ranges.Length && events.Count < maxEvents; i++)
        {
            var index = (start.NextRange + i) % ranges.Length;
            next = (index + 1) % ranges.Length;
            while (events.Count < maxEvents)
            {
                var page = await ReadPageAsync(ranges[index], maxEvents - events.Count, "read-feed", cancellationToken);
                ranges[index] = ranges[index] with { Continuation = page.Continuation };
                events.AddRange(page.Events);
                if (page.CaughtUp || page.Items == 0)
                {
                    break;
                }
            }
        }

        return new FeedBatch(FeedOrder.Arrange(events), new FeedCheckpoint(ranges, next).Encode());
    }

    /// <summary>
    /// A cheap lower bound: the events on the first page (up to <see cref="LagPageSize"/> items) after
    /// the checkpoint in each range, summed. A caught-up range answers 304 and costs little. Zero
    /// means the subscription is caught up; a full page means "at least this many".
    /// </summary>
    public async Task<long> EstimateLagAsync(string? checkpoint, CancellationToken cancellationToken = default)
    {
        var start = await OpenAsync(checkpoint, cancellationToken);
        long lag = 0;
        foreach (var range in start.Ranges)
        {
            var page = await ReadPageAsync(range, LagPageSize, "peek-feed", cancellationToken);
            lag += page.Events.Count;
        }

        return lag;
    }

    /// <summary>
    /// Polls: sleeps the poll interval, then peeks one item per range, until something is there or
    /// the timeout passes. A timeout no longer than the interval is just a wait (the caller reads
    /// again right after, so a peek would be paid twice).
    /// </summary>
    public async Task WaitForEventsAsync(string? checkpoint, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(remaining < database.Options.FeedPollInterval ? remaining : database.Options.FeedPollInterval, cancellationToken);
            if (DateTimeOffset.UtcNow >= deadline || await HasChangesAsync(checkpoint, cancellationToken))
            {
                return;
            }
        }
    }

    private async Task<bool> HasChangesAsync(string? checkpoint, CancellationToken cancellationToken)
    {
        var start = await OpenAsync(checkpoint, cancellationToken);
        foreach (var range in start.Ranges)
        {
            if ((await ReadPageAsync(range, 1, "peek-feed", cancellationToken)).Items > 0)
            {
                return true;
            }
        }

        return false;
    }

    private async Task<FeedCheckpoint> OpenAsync(string? checkpoint, CancellationToken cancellationToken)
    {
        await database.ReadyAsync(cancellationToken);
        if (checkpoint is not null)
        {
            return FeedCheckpoint.Parse(checkpoint);
        }

        var ranges = await database.Events.GetFeedRangesAsync(cancellationToken);
        return new FeedCheckpoint([.. ranges.Select(r => new FeedRangePosition(r.ToJsonString(), null))], 0);
    }

    private async Task<FeedPage> ReadPageAsync(FeedRangePosition position, int pageSize, string operation, CancellationToken cancellationToken)
    {
        var start = position.Continuation is { } continuation
            ? ChangeFeedStartFrom.ContinuationToken(continuation)
            : ChangeFeedStartFrom.Beginning(FeedRange.FromJsonString(position.Range));
        using var iterator = database.Events.GetChangeFeedIterator<JsonElement>(
            start, ChangeFeedMode.LatestVersion, new ChangeFeedRequestOptions { PageSizeHint = pageSize });
        var response = await requests.RunAsync(
            operation, database.Events.Id, () => iterator.ReadNextAsync(cancellationToken), r => new RequestOutcome(r.StatusCode, r.RequestCharge));
        var next = response.ContinuationToken ?? position.Continuation;
        if (response.StatusCode == HttpStatusCode.NotModified)
        {
            return new FeedPage([], 0, CaughtUp: true, next);
        }

        var events = response
            .Where(IsEvent)
            .Select(item => (item.Deserialize<EventItem>(CosmosJson.Options) ?? throw new JsonException("A change feed event read as null.")).ToStoredEvent())
            .ToList();
        return new FeedPage(events, response.Count, CaughtUp: false, next);
    }

    private static bool IsEvent(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object
        && item.TryGetProperty("kind", out var kind)
        && kind.ValueKind == JsonValueKind.String
        && kind.ValueEquals(ItemKinds.Event);

    private sealed record FeedPage(IReadOnlyList<StoredEvent> Events, int Items, bool CaughtUp, string? Continuation);
}
