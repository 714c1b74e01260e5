using System.Collections.Concurrent;
using CartOrders.Application.Ports;

namespace CartOrders.Functions.Tests.Support;

/// <summary>
/// Views kept in memory, with the store's one write rule (a document is written only over an older
/// version), for the real-time services tested without a store. Lists are not needed there.
/// </summary>
internal sealed class MemoryViews : IViewStore
{
    private readonly ConcurrentDictionary<(string Kind, string Id), ViewDocument> _documents = new();

    public Task<ViewDocument?> GetAsync(string kind, string id, CancellationToken cancellationToken = default) =>
        Task.FromResult(_documents.GetValueOrDefault((kind, id)));

    public Task<bool> UpsertAsync(ViewDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var key = (document.Kind, document.Id);
        while (true)
        {
            if (!_documents.TryGetValue(key, out var stored))
            {
                if (_documents.TryAdd(key, document))
                {
                    return Task.FromResult(true);
                }

                continue;
            }

            if (stored.Version >= document.Version)
            {
                return Task.FromResult(false);
            }

            if (_documents.TryUpdate(key, document, stored))
            {
                return Task.FromResult(true);
            }
        }
    }

    public Task<Page<ViewDocument>> ListForMemberAsync(string kind, string userId, PageRequest page, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<Page<ViewDocument>> ListByStatusAsync(string kind, string status, DateTimeOffset before, PageRequest page, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task ClearAsync(CancellationToken cancellationToken = default)
    {
        _documents.Clear();
        return Task.CompletedTask;
    }
}
