using CartOrders.Application.Ports;

namespace CartOrders.Testing;

/// <summary>
/// A plain in-memory event and view store with the ports' semantics (append at an expected
/// version, snapshots, views that never go back), to run application-level checks over data
/// read from another store's documents.
/// </summary>
public sealed class InMemoryStore : IEventStore, IViewStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<StoredEvent>> _streams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Snapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IdempotencyRecord> _idempotency = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Kind, string Id), ViewDocument> _views = [];

    // When each view was first written: the member lists' order, kept through later writes.
    private readonly Dictionary<(string Kind, string Id), DateTimeOffset> _viewsCreatedAt = [];

    public int SnapshotInterval { get; init; } = 1;

    /// <summary>Puts stored events and snapshots in as they are (a load of existing data).</summary>
    public void Load(IEnumerable<StoredEvent> events, IEnumerable<Snapshot> snapshots)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(snapshots);
        lock (_gate)
        {
            foreach (var e in events.OrderBy(e => e.Version))
            {
                Stream(e.StreamId).Add(e);
            }

            foreach (var s in snapshots)
            {
                _snapshots[s.StreamId] = s;
            }
        }
    }

    public Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        lock (_gate)
        {
            var stream = Stream(request.StreamId);
            if (request.Idempotency is { } record && _idempotency.ContainsKey(request.StreamId + "/" + record.Key))
            {
                throw new IdempotencyKeyTakenException(record.Key);
            }

            if (request.Events.Count > 0 && stream.Count != request.ExpectedVersion)
            {
                throw new WrongExpectedVersionException(request.StreamId, request.ExpectedVersion, stream.Count);
            }

            foreach (var e in request.Events)
            {
                stream.Add(new StoredEvent(request.StreamId, stream.Count + 1, e.EventId, e.Type, e.Data.ToArray(), e.Metadata));
            }

            if (request.Snapshot is { } snapshot)
            {
                _snapshots[request.StreamId] = snapshot;
            }

            if (request.Idempotency is { } added)
            {
                _idempotency[request.StreamId + "/" + added.Key] = added;
            }

            return Task.FromResult(new AppendResult(stream.Count));
        }
    }

    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoredEvent>>([.. Stream(streamId).Where(e => e.Version >= fromVersion && e.Version <= toVersion)]);
        }
    }

    public Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_snapshots.GetValueOrDefault(streamId));
        }
    }

    public Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_idempotency.GetValueOrDefault(streamId + "/" + key));
        }
    }

    public Task<ViewDocument?> GetAsync(string kind, string id, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_views.GetValueOrDefault((kind, id)));
        }
    }

    public Task<bool> UpsertAsync(ViewDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        lock (_gate)
        {
            if (_views.TryGetValue((document.Kind, document.Id), out var current) && current.Version >= document.Version)
            {
                return Task.FromResult(false);
            }

            _views[(document.Kind, document.Id)] = document;
            _viewsCreatedAt.TryAdd((document.Kind, document.Id), document.UpdatedAt);
            return Task.FromResult(true);
        }
    }

    public Task<Page<ViewDocument>> ListForMemberAsync(string kind, string userId, PageRequest page, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var listed = _views.Values.Where(v => v.Kind == kind && v.Members.Contains(userId))
                .OrderByDescending(v => _viewsCreatedAt[(v.Kind, v.Id)]).ThenBy(v => v.Id, StringComparer.Ordinal);
            return Task.FromResult(PageOf(listed, page));
        }
    }

    public Task<Page<ViewDocument>> ListByStatusAsync(string kind, string status, DateTimeOffset before, PageRequest page, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var listed = _views.Values
                .Where(v => v.Kind == kind && v.UpdatedAt < before && StatusOf(v) == status)
                .OrderBy(v => v.UpdatedAt).ThenBy(v => v.Id, StringComparer.Ordinal);
            return Task.FromResult(PageOf(listed, page));
        }
    }

    // The continuation is the id of the last document served (this store's own, opaque to callers).
    private static Page<ViewDocument> PageOf(IEnumerable<ViewDocument> ordered, PageRequest page)
    {
        var rest = page.After is null ? ordered : ordered.SkipWhile(v => v.Id != page.After).Skip(1);
        var items = rest.Take(page.Limit + 1).ToList();
        return items.Count > page.Limit
            ? new Page<ViewDocument>(items[..page.Limit], items[page.Limit - 1].Id)
            : new Page<ViewDocument>(items, null);
    }

    private static string? StatusOf(ViewDocument view)
    {
        using var json = System.Text.Json.JsonDocument.Parse(view.Json);
        return json.RootElement.TryGetProperty("status", out var status) ? status.GetString() : null;
    }

    public Task ClearAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            _views.Clear();
            _viewsCreatedAt.Clear();
        }

        return Task.CompletedTask;
    }

    private List<StoredEvent> Stream(string streamId)
    {
        if (!_streams.TryGetValue(streamId, out var stream))
        {
            stream = [];
            _streams[streamId] = stream;
        }

        return stream;
    }
}
