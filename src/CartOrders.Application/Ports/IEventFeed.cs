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

/// <summary>A checkpoint as stored, and the version the store gave that write (a Cosmos ETag; on SQLite the value itself, since positions only go up).</summary>
public sealed record StoredCheckpoint(string Value, string Version);

/// <summary>Where each feed subscription keeps its checkpoint.</summary>
public interface ICheckpointStore
{
    Task<string?> LoadAsync(string subscription, CancellationToken cancellationToken = default);

    /// <summary>Saves whatever was there before: for tools and resets, not for a pump (see <see cref="TrySaveAsync"/>).</summary>
    Task SaveAsync(string subscription, string checkpoint, CancellationToken cancellationToken = default);

    /// <summary>The checkpoint with its version, null when none was saved yet.</summary>
    Task<StoredCheckpoint?> ReadAsync(string subscription, CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves only when the stored checkpoint is still the one read at <paramref name="expectedVersion"/>
    /// (null: none saved yet). False, and nothing written, when another pump has saved since: a pump
    /// that lost its lock can never move a checkpoint back.
    /// </summary>
    Task<bool> TrySaveAsync(string subscription, string checkpoint, string? expectedVersion, CancellationToken cancellationToken = default);
}
