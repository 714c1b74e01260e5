namespace CartOrders.Application.Ports;

/// <summary>A batch of the feed: events after the checkpoint it was read from, and the checkpoint after them.</summary>
public sealed record FeedBatch(IReadOnlyList<StoredEvent> Events, string Checkpoint);

/// <summary>
/// Every appended event, at least once, in version order within each stream. Pull style:
/// read after a checkpoint, handle, then save the checkpoint the batch gave.
/// Checkpoints are opaque strings owned by the feed implementation.
/// </summary>
public interface IEventFeed
{
    /// <param name="checkpoint">null reads from the beginning.</param>
    Task<FeedBatch> ReadAsync(string? checkpoint, int maxEvents, CancellationToken cancellationToken = default);

    /// <summary>How many events (or an estimate) are after the checkpoint.</summary>
    Task<long> EstimateLagAsync(string? checkpoint, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes when there may be events after the checkpoint, or after the timeout. A store
    /// that cannot tell in-process just waits for the timeout (polling).
    /// </summary>
    Task WaitForEventsAsync(string? checkpoint, TimeSpan timeout, CancellationToken cancellationToken = default);
}

/// <summary>Where each feed subscription keeps its checkpoint.</summary>
public interface ICheckpointStore
{
    Task<string?> LoadAsync(string subscription, CancellationToken cancellationToken = default);

    Task SaveAsync(string subscription, string checkpoint, CancellationToken cancellationToken = default);
}
