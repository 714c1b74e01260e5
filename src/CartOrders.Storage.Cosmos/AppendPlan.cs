using System.Globalization;
using System.Net;
using CartOrders.Application.Ports;

namespace CartOrders.Storage.Cosmos;

/// <summary>One write of an append's transactional batch.</summary>
internal abstract record PlannedOperation(string Id);

internal sealed record CreateEvent(EventItem Item) : PlannedOperation(Item.Id);

/// <summary>The first append of a stream creates its tip; a concurrent first append gets 409.</summary>
internal sealed record CreateTip(TipItem Item) : PlannedOperation(Item.Id);

/// <summary>Later appends replace the tip only if it is still the one read (If-Match its ETag); else 412.</summary>
internal sealed record ReplaceTip(TipItem Item, string ETag) : PlannedOperation(Item.Id);

/// <summary>The idempotency record; 409 when the key was stored before.</summary>
internal sealed record CreateIdempotency(IdempotencyItem Item) : PlannedOperation(Item.Id);

/// <summary>The stream's tip as read just before the append: its version and ETag.</summary>
internal sealed record CurrentTip(long Version, string ETag);

/// <summary>
/// An append as the writes of ONE transactional batch in the stream's partition, in this order:
/// the events (id = version, so a version written twice is a 409), the tip (created at version 0,
/// else replaced If-Match the ETag read, so any concurrent append makes it a 412), and the
/// idempotency record (409 if its key exists). Cosmos commits all of them or none. Pure: building
/// the plan and reading a failed batch's per-operation statuses need no server.
/// </summary>
internal sealed record AppendPlan(string StreamId, long ExpectedVersion, long NextVersion, IReadOnlyList<PlannedOperation> Operations)
{
    /// <summary>Cosmos accepts at most 100 operations in one transactional batch.</summary>
    public const int MaxOperations = 100;

    /// <param name="tip">The tip read before the append; null when the stream has none.</param>
    /// <exception cref="WrongExpectedVersionException">The tip is not at the expected version.</exception>
    public static AppendPlan Create(AppendRequest request, CurrentTip? tip, TimeSpan idempotencyTtl)
    {
        ArgumentNullException.ThrowIfNull(request);
        var operations = new List<PlannedOperation>();
        var next = request.ExpectedVersion;
        if (request.Events.Count > 0)
        {
            var actual = tip?.Version ?? 0;
            if (actual != request.ExpectedVersion)
            {
                throw new WrongExpectedVersionException(request.StreamId, request.ExpectedVersion, actual);
            }

            foreach (var e in request.Events)
            {
                operations.Add(new CreateEvent(EventItem.From(request.StreamId, ++next, e)));
            }

            var item = Tip(request, next);
            operations.Add(tip is null ? new CreateTip(item) : new ReplaceTip(item, tip.ETag));
        }

        if (request.Idempotency is { } record)
        {
            if (record.StreamId != request.StreamId)
            {
                throw new ArgumentException($"The idempotency record of stream '{record.StreamId}' cannot be stored with an append to '{request.StreamId}'.", nameof(request));
            }

            if (record.Key == ItemKinds.TipId || record.Key.All(char.IsAsciiDigit))
            {
                throw new ArgumentException($"'{record.Key}' is the id of a tip or an event, so it cannot key an idempotency record.", nameof(request));
            }

            operations.Add(new CreateIdempotency(IdempotencyItem.From(record, idempotencyTtl)));
        }

        if (operations.Count > MaxOperations)
        {
            throw new ArgumentException(
                $"An append to '{request.StreamId}' is one transactional batch of at most {MaxOperations} writes (events, tip, idempotency record); this one has {operations.Count}.",
                nameof(request));
        }

        return new AppendPlan(request.StreamId, request.ExpectedVersion, next, operations);
    }

    /// <summary>
    /// What a failed batch means. Cosmos reports the failing operation's status on that operation
    /// and 424 (failed dependency) on the others: a 409 on the idempotency record is a taken key; a
    /// 409 on an event or a new tip, or a 412/404 on the tip replace, is another append that won.
    /// </summary>
    public Exception Failure(HttpStatusCode batchStatus, IReadOnlyList<HttpStatusCode> operationStatuses, TimeSpan? retryAfter)
    {
        ArgumentNullException.ThrowIfNull(operationStatuses);
        if (CosmosRequests.IsTransient(batchStatus))
        {
            return new StoreBusyException(retryAfter ?? CosmosRequests.DefaultRetryAfter);
        }

        var failed = Enumerable.Range(0, Math.Min(operationStatuses.Count, Operations.Count))
            .Select(i => (Index: i, Status: operationStatuses[i]))
            .FirstOrDefault(o => o.Status != HttpStatusCode.FailedDependency && (int)o.Status is < 200 or >= 300, (Index: -1, Status: batchStatus));
        var operation = failed.Index >= 0 ? Operations[failed.Index] : null;
        return (operation, failed.Status) switch
        {
            (CreateIdempotency idempotency, HttpStatusCode.Conflict) => new IdempotencyKeyTakenException(idempotency.Item.Id),
            (CreateEvent or CreateTip, HttpStatusCode.Conflict) => Conflict(),
            (ReplaceTip, HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound) => Conflict(),
            (null, HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed) => Conflict(),
            (_, HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable or HttpStatusCode.RequestTimeout) => new StoreBusyException(retryAfter ?? CosmosRequests.DefaultRetryAfter),
            _ => new InvalidOperationException(string.Create(
                CultureInfo.InvariantCulture,
                $"The append to stream '{StreamId}' failed: the batch answered {(int)batchStatus} {batchStatus}{(operation is null ? string.Empty : $", its operation {failed.Index} ({operation.GetType().Name} '{operation.Id}') {(int)failed.Status} {failed.Status}")}.")),
        };
    }

    private WrongExpectedVersionException Conflict() => new(StreamId, ExpectedVersion, null);

    private static TipItem Tip(AppendRequest request, long version)
    {
        if (request.Snapshot is not { } snapshot)
        {
            // The tip still moves to the new version: it is the stream's concurrency token.
            var last = request.Events[^1].Metadata.OccurredAt;
            return new TipItem { StreamId = request.StreamId, Version = version, UpdatedAt = last };
        }

        if (snapshot.StreamId != request.StreamId || snapshot.Version != version)
        {
            throw new ArgumentException(
                $"The snapshot of an append to '{request.StreamId}' must be of that stream at the appended version {version}, not '{snapshot.StreamId}' at {snapshot.Version}.",
                nameof(request));
        }

        return new TipItem
        {
            StreamId = request.StreamId,
            Version = version,
            Schema = snapshot.Schema,
            State = CosmosJson.Embed(snapshot.State, $"snapshot of {request.StreamId}"),
            UpdatedAt = snapshot.UpdatedAt,
        };
    }
}
