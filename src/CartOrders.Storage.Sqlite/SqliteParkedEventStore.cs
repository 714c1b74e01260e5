using CartOrders.Application.Ports;

namespace CartOrders.Storage.Sqlite;

public sealed class SqliteParkedEventStore(SqliteDatabase database) : IParkedEventStore
{
    public Task ParkAsync(IReadOnlyList<ParkedEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        return events.Count == 0 ? Task.CompletedTask : database.Writer.WriteAsync(
            statements =>
            {
                foreach (var p in events)
                {
                    var e = p.Event;
                    statements.Execute(
                        """
                        INSERT OR IGNORE INTO parked_events (subscription, stream_id, version, event_id, type, data, user_id, occurred_at, correlation_id, reason, parked_at)
                        VALUES ($sub, $s, $v, $id, $t, $d, $u, $at, $c, $r, $pat)
                        """,
                        ("$sub", p.Subscription),
                        ("$s", e.StreamId),
                        ("$v", e.Version),
                        ("$id", e.EventId.ToByteArray()),
                        ("$t", e.Type),
                        ("$d", e.Data.ToArray()),
                        ("$u", e.Metadata.UserId),
                        ("$at", e.Metadata.OccurredAt.Ticks()),
                        ("$c", e.Metadata.CorrelationId),
                        ("$r", p.Reason),
                        ("$pat", p.ParkedAt.Ticks()));
                }

                return events.Count;
            },
            cancellationToken);
    }

    public async Task<IReadOnlySet<string>> ParkedStreamsAsync(string subscription, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamIds);
        var parked = new HashSet<string>(StringComparer.Ordinal);
        using var read = database.OpenRead();

        // Cheap in the common case: nothing parked for the subscription at all.
        if (await read.Statements.Bind("SELECT 1 FROM parked_events WHERE subscription = $sub LIMIT 1", ("$sub", subscription)).ExecuteScalarAsync(cancellationToken) is null)
        {
            return parked;
        }

        foreach (var stream in streamIds)
        {
            var query = read.Statements.Bind(
                "SELECT 1 FROM parked_events WHERE subscription = $sub AND stream_id = $s LIMIT 1",
                ("$sub", subscription),
                ("$s", stream));
            if (await query.ExecuteScalarAsync(cancellationToken) is not null)
            {
                parked.Add(stream);
            }
        }

        return parked;
    }

    public Task<IReadOnlyList<ParkedEvent>> ListAsync(string? subscription, CancellationToken cancellationToken = default) =>
        QueryAsync(subscription, null, int.MaxValue, cancellationToken);

    /// <summary>Keyset paging on the table's own key (subscription, stream_id, version).</summary>
    public async Task<Page<ParkedEvent>> ListPageAsync(string? subscription, PageRequest page, CancellationToken cancellationToken = default)
    {
        var fetched = await QueryAsync(subscription, ParkedEventPosition.Parse(page.After), page.Limit + 1, cancellationToken);
        return ParkedEventPosition.PageOf(fetched, page.Limit);
    }

    private async Task<IReadOnlyList<ParkedEvent>> QueryAsync(string? subscription, ParkedEventPosition? after, int limit, CancellationToken cancellationToken)
    {
        using var read = database.OpenRead();
        var query = read.Statements.Bind(
            """
            SELECT subscription, stream_id, version, event_id, type, data, user_id, occurred_at, correlation_id, reason, parked_at
            FROM parked_events WHERE ($sub IS NULL OR subscription = $sub) AND ($after IS NULL OR (subscription, stream_id, version) > ($as, $ast, $av))
            ORDER BY subscription, stream_id, version LIMIT $n
            """,
            ("$sub", subscription),
            ("$after", after is null ? null : 1),
            ("$as", after?.Subscription),
            ("$ast", after?.StreamId),
            ("$av", after?.Version),
            ("$n", limit));
        var parked = new List<ParkedEvent>();
        using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var e = new StoredEvent(
                reader.GetString(1),
                reader.GetInt64(2),
                new Guid(reader.Bytes(3)),
                reader.GetString(4),
                reader.Bytes(5),
                new EventMetadata(reader.GetString(6), reader.GetInt64(7).ToTime(), reader.IsDBNull(8) ? null : reader.GetString(8)));
            parked.Add(new ParkedEvent(reader.GetString(0), e, reader.GetString(9), reader.GetInt64(10).ToTime()));
        }

        return parked;
    }

    public Task RemoveAsync(string subscription, string streamId, long throughVersion, CancellationToken cancellationToken = default) =>
        database.Writer.WriteAsync(
            statements => statements.Execute(
                "DELETE FROM parked_events WHERE subscription = $sub AND stream_id = $s AND version <= $v",
                ("$sub", subscription),
                ("$s", streamId),
                ("$v", throughVersion)),
            cancellationToken);
}
