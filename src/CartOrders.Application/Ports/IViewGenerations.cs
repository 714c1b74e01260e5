namespace CartOrders.Application.Ports;

/// <summary>
/// Where the views' generations stand, as one stored record: which generation readers see
/// (<see cref="Live"/>, built by projection version <see cref="LiveVersion"/>), the rebuild under way
/// if any, and the generation swapped out and waiting to be dropped. <see cref="ETag"/> is the
/// store's concurrency token of the record as read (null: never saved).
/// </summary>
public sealed record ViewGenerationState(
    int Live,
    int LiveVersion,
    ViewRebuildState? Rebuild = null,
    int? Retired = null,
    DateTimeOffset? RetiredAt = null,
    string? ETag = null)
{
    /// <summary>What a store that never saved the record answers: generation 1, of no recorded version.</summary>
    public static ViewGenerationState Initial { get; } = new(1, 0);

    /// <summary>The highest generation this record names; a new one is numbered after it, so no number is ever used twice.</summary>
    public int Highest => Math.Max(Live, Math.Max(Retired ?? 0, Rebuild?.Generation ?? 0));
}

/// <summary>A rebuild: the generation it builds, the projection version it builds it for, and its progress so far.</summary>
public sealed record ViewRebuildState(int Generation, int Version, DateTimeOffset StartedAt, long EventsDone, TimeSpan Busy);

/// <summary>
/// Generations of the views, for blue/green rebuilds: a new generation is written beside the live one
/// while <see cref="IViewStore"/>'s readers keep reading the live one; saving a state with another
/// <see cref="ViewGenerationState.Live"/> switches every reader in one step.
/// </summary>
public interface IViewGenerations
{
    Task<ViewGenerationState> ReadAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Saves the state if the stored one still has <paramref name="state"/>'s ETag (null: none was
    /// saved yet); false when another writer saved first, and nothing changes then.
    /// </summary>
    Task<bool> TrySaveAsync(ViewGenerationState state, CancellationToken cancellationToken = default);

    /// <summary>Writes the document into the generation if it is newer than the one there (as <see cref="IViewStore.UpsertAsync"/> does for the live one).</summary>
    Task<bool> UpsertAsync(ViewDocument document, int generation, CancellationToken cancellationToken = default);

    Task<ViewDocument?> GetAsync(string kind, string id, int generation, CancellationToken cancellationToken = default);

    /// <summary>Removes every view of the generation. Refused for the live generation.</summary>
    Task DropAsync(int generation, CancellationToken cancellationToken = default);
}
