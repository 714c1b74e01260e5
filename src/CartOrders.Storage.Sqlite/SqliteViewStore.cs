using System.Globalization;
using CartOrders.Application.Ports;

namespace CartOrders.Storage.Sqlite;

public sealed class SqliteViewStore(SqliteDatabase database) : IViewStore
{
    public async Task<ViewDocument?> GetAsync(string kind, string id, CancellationToken cancellationToken = default)
    {
        using var read = database.OpenRead();
        var query = read.Statements.Bind(
            "SELECT version, json, updated_at, (SELECT json_group_array(user_id) FROM view_members m WHERE m.kind = v.kind AND m.id = v.id) FROM views v WHERE kind = $k AND id = $id",
            ("$k", kind),
            ("$id", id));
        using var reader = await query.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var members = System.Text.Json.JsonSerializer.Deserialize<string[]>(reader.GetString(3)) ?? [];
        return new ViewDocument(kind, id, reader.GetInt64(0), members, reader.Bytes(1), reader.GetInt64(2).ToTime());
    }

    public Task<bool> UpsertAsync(ViewDocument document, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        return database.Writer.WriteAsync(
            statements =>
            {
                var written = statements.Execute(
                    """
                    INSERT INTO views (kind, id, version, json, updated_at, created_at) VALUES ($k, $id, $v, $j, $at, $at)
                    ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, json = excluded.json, updated_at = excluded.updated_at
                    WHERE excluded.version > views.version
                    """,
                    ("$k", document.Kind),
                    ("$id", document.Id),
                    ("$v", document.Version),
                    ("$j", document.Json.ToArray()),
                    ("$at", document.UpdatedAt.Ticks()));
                if (written == 0)
                {
                    return false;
                }

                statements.Execute("DELETE FROM view_members WHERE kind = $k AND id = $id", ("$k", document.Kind), ("$id", document.Id));
                foreach (var member in document.Members.Distinct(StringComparer.Ordinal))
                {
                    statements.Execute(
                        "INSERT INTO view_members (kind, user_id, id) VALUES ($k, $u, $id)",
                        ("$k", document.Kind),
                        ("$u", member),
                        ("$id", document.Id));
                }

                return true;
            },
            cancellationToken);
    }

    /// <summary>
    /// Keyset paging on (created_at DESC, id). created_at is set by a view's first write and never
    /// changed (an update keeps it), so a view's place in the list does not move while a client pages:
    /// one listed for the whole pass is on exactly one page, whatever is written meanwhile.
    /// </summary>
    public async Task<Page<ViewDocument>> ListForMemberAsync(string kind, string userId, PageRequest page, CancellationToken cancellationToken = default)
    {
        var (afterTicks, afterId) = ParseAfter(page.After);
        using var read = database.OpenRead();
        var query = read.Statements.Bind(
            """
            SELECT v.id, v.version, v.json, v.updated_at, v.created_at FROM view_members m JOIN views v ON v.kind = m.kind AND v.id = m.id
            WHERE m.kind = $k AND m.user_id = $u AND (v.created_at < $t OR (v.created_at = $t AND v.id > $id))
            ORDER BY v.created_at DESC, v.id LIMIT $n
            """,
            ("$k", kind),
            ("$u", userId),
            ("$t", afterTicks),
            ("$id", afterId),
            ("$n", page.Limit + 1));
        var rows = new List<(ViewDocument Document, long Key)>();
        using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add((new ViewDocument(kind, reader.GetString(0), reader.GetInt64(1), [userId], reader.Bytes(2), reader.GetInt64(3).ToTime()), reader.GetInt64(4)));
        }

        return PageOf(rows, page.Limit);
    }

    /// <summary>
    /// Keyset paging on (updated_at, id), ascending, through the (kind, updated_at) index. Stable
    /// for a list of one status: every order event changes the order's status, so an order stays in
    /// one status list exactly as long as its updated_at stays the same (a cart's status list only
    /// serves the abandonment sweep, which wants the carts that stayed idle).
    /// </summary>
    public async Task<Page<ViewDocument>> ListByStatusAsync(string kind, string status, DateTimeOffset before, PageRequest page, CancellationToken cancellationToken = default)
    {
        var (afterTicks, afterId) = page.After is null ? (long.MinValue, string.Empty) : ParseAfter(page.After);
        using var read = database.OpenRead();
        var query = read.Statements.Bind(
            """
            SELECT id, version, json, updated_at,
                (SELECT json_group_array(user_id) FROM view_members m WHERE m.kind = v.kind AND m.id = v.id)
            FROM views v
            WHERE kind = $k AND updated_at < $before AND (updated_at > $t OR (updated_at = $t AND id > $id))
                AND json_extract(CAST(json AS TEXT), '$.status') = $status
            ORDER BY updated_at, id LIMIT $n
            """,
            ("$k", kind),
            ("$before", before.Ticks()),
            ("$t", afterTicks),
            ("$id", afterId),
            ("$status", status),
            ("$n", page.Limit + 1));
        var rows = new List<(ViewDocument Document, long Key)>();
        using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var members = System.Text.Json.JsonSerializer.Deserialize<string[]>(reader.GetString(4)) ?? [];
            rows.Add((new ViewDocument(kind, reader.GetString(0), reader.GetInt64(1), members, reader.Bytes(2), reader.GetInt64(3).ToTime()), reader.GetInt64(3)));
        }

        return PageOf(rows, page.Limit);
    }

    /// <summary>
    /// The first <paramref name="limit"/> of the rows read (one more than a page, to know whether
    /// another follows), and the position after them: the last row's sort key and id.
    /// </summary>
    private static Page<ViewDocument> PageOf(List<(ViewDocument Document, long Key)> rows, int limit)
    {
        var documents = rows.Take(limit).Select(r => r.Document).ToList();
        if (rows.Count <= limit)
        {
            return new Page<ViewDocument>(documents, null);
        }

        var (last, key) = rows[limit - 1];
        return new Page<ViewDocument>(documents, string.Create(CultureInfo.InvariantCulture, $"{key}:{last.Id}"));
    }

    private static (long Ticks, string Id) ParseAfter(string? after)
    {
        if (after is null)
        {
            return (long.MaxValue, string.Empty);
        }

        var colon = after.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && long.TryParse(after.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            ? (ticks, after[(colon + 1)..])
            : throw new InvalidContinuationException("Not a view list position.");
    }

    public Task ClearAsync(CancellationToken cancellationToken = default) =>
        database.Writer.WriteAsync(
            statements => statements.Execute("DELETE FROM view_members; DELETE FROM views;"),
            cancellationToken);
}
