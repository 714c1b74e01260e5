namespace CartOrders.Application.Ports;

/// <summary>
/// A materialized view document: kind ("cart", "order"), id, the stream version it reflects,
/// the users it is listed for, and its JSON.
/// </summary>
public sealed record ViewDocument(string Kind, string Id, long Version, IReadOnlyList<string> Members, ReadOnlyMemory<byte> Json, DateTimeOffset UpdatedAt);

/// <summary>Read models written by the projector; lists are served from here.</summary>
public interface IViewStore
{
    Task<ViewDocument?> GetAsync(string kind, string id, CancellationToken cancellationToken = default);

    /// <summary>Writes the document if it is newer than the stored one; false when it was not (versions never go back).</summary>
    Task<bool> UpsertAsync(ViewDocument document, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the documents of a kind listed for a user, most recently created first (the time
    /// of a document's first write, which later writes keep; ties in a store-defined order that does
    /// not change either). Paging is by position, not by count, and no write moves a document: one
    /// listed for the user during the whole pass is on exactly one page, however often it changes
    /// meanwhile; one created meanwhile is not on the later pages.
    /// </summary>
    Task<Page<ViewDocument>> ListForMemberAsync(string kind, string userId, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the documents of a kind whose JSON <c>status</c> is <paramref name="status"/>
    /// and that were last updated before <paramref name="before"/>, oldest first: which open carts
    /// have been idle too long (the abandonment sweep), which orders wait in a status (operators).
    /// </summary>
    Task<Page<ViewDocument>> ListByStatusAsync(string kind, string status, DateTimeOffset before, PageRequest page, CancellationToken cancellationToken = default);

    /// <summary>Removes every view (a rebuild starts from nothing).</summary>
    Task ClearAsync(CancellationToken cancellationToken = default);
}
