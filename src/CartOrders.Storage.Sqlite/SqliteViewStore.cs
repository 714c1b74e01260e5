using System.Globalization;
using CartOrders.Application.Ports;

namespace CartOrders.Storage.Sqlite;

/// <summary>
/// Views in the <c>views</c> and <c>view_members</c> tables. A generation other than the first is
/// stored under its kind with the generation appended (<c>cart@2</c>), so the tables and their
/// keys stay as they were; readers resolve the live generation within their one statement, from
/// the single row of <c>view_generations</c>.
/// </summary>
public sealed class SqliteViewStore(SqliteDatabase database) : IViewStore, IViewGenerations
{
    // The stored kind of the live generation, for a statement binding the plain kind as $k.
    private const string LiveKind = "coalesce((SELECT CASE live WHEN 1 THEN $k ELSE $k || '@' || live END FROM view_generations), $k)";

    public Task<ViewDocument?> GetAsync(string kind, string id, CancellationToken cancellationToken = default) =>
        GetAsync(kind, id, LiveKind, cancellationToken);

    public Task<ViewDocument?> GetAsync(string kind, string id, int generation, CancellationToken cancellationToken = default) =>
        GetAsync(kind, id, "$k || $g", cancellationToken, generation);

    private async Task<ViewDocument?> GetAsync(string kind, string id, string storedKind, CancellationToken cancellationToken, int generation = 1)
    {
        using var read = database.OpenRead();
        var query = read.Statements.Bind(
            $"SELECT version, json, updated_at, (SELECT json_group_array(user_id) FROM view_members m WHERE m.kind = v.kind AND m.id = v.id) FROM views v WHERE kind = {storedKind} AND id = $id",
            ("$k", CheckKind(kind)),
            ("$g", Suffix(generation)),
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
        CheckKind(document.Kind);

        // The live generation is read in the writer's own transaction, so a swap (also a write) is either before or after it.
        return database.Writer.WriteAsync(
            WriteKind.Derived,
            statements => Write(statements, document, document.Kind + Suffix(LiveGeneration(statements))),
            cancellationToken);
    }

    public Task<bool> UpsertAsync(ViewDocument document, int generation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var kind = CheckKind(document.Kind) + Suffix(generation);
        return database.Writer.WriteAsync(WriteKind.Derived, statements => Write(statements, document, kind), cancellationToken);
    }

    private static bool Write(StatementCache statements, ViewDocument document, string storedKind)
    {
        var written = statements.Execute(
            """
            INSERT INTO views (kind, id, version, json, updated_at, created_at) VALUES ($k, $id, $v, $j, $at, $at)
            ON CONFLICT (kind, id) DO UPDATE SET version = excluded.version, json = excluded.json, updated_at = excluded.updated_at
            WHERE excluded.version > views.version
            """,
            ("$k", storedKind),
            ("$id", document.Id),
            ("$v", document.Version),
            ("$j", document.Json.ToArray()),
            ("$at", document.UpdatedAt.Ticks()));
        if (written == 0)
        {
            return false;
        }

        statements.Execute("DELETE FROM view_members WHERE kind = $k AND id = $id", ("$k", storedKind), ("$id", document.Id));
        foreach (var member in document.Members.Distinct(StringComparer.Ordinal))
        {
            statements.Execute(
                "INSERT INTO view_members (kind, user_id, id) VALUES ($k, $u, $id)",
                ("$k", storedKind),
                ("$u", member),
                ("$id", document.Id));
        }

        return true;
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
            $"""
            SELECT v.id, v.version, v.json, v.updated_at, v.created_at FROM view_members m JOIN views v ON v.kind = m.kind AND v.id = m.id
            WHERE m.kind = {LiveKind} AND m.user_id = $u AND (v.created_at < $t OR (v.created_at = $t AND v.id > $id))
            ORDER BY v.created_at DESC, v.id LIMIT $n
            """,
            ("$k", CheckKind(kind)),
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
            $"""
            SELECT id, version, json, updated_at,
                (SELECT json_group_array(user_id) FROM view_members m WHERE m.kind = v.kind AND m.id = v.id)
            FROM views v
            WHERE kind = {LiveKind} AND updated_at < $before AND (updated_at > $t OR (updated_at = $t AND id > $id))
                AND json_extract(CAST(json AS TEXT), '$.status') = $status
            ORDER BY updated_at, id LIMIT $n
            """,
            ("$k", CheckKind(kind)),
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

    public async Task<ViewGenerationState> ReadAsync(CancellationToken cancellationToken = default)
    {
        using var read = database.OpenRead();
        var query = read.Statements.Bind("SELECT state, revision FROM view_generations");
        using var reader = await query.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return ViewGenerationState.Initial;
        }

        var state = System.Text.Json.JsonSerializer.Deserialize<ViewGenerationState>(reader.GetString(0), s_json)
            ?? throw new InvalidDataException("The stored view generations are empty.");
        return state with { ETag = reader.GetInt64(1).ToString(CultureInfo.InvariantCulture) };
    }

    public Task<bool> TrySaveAsync(ViewGenerationState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        var json = System.Text.Json.JsonSerializer.Serialize(state with { ETag = null }, s_json);
        return database.Writer.WriteAsync(
            statements =>
            {
                if (state.ETag is null)
                {
                    return statements.Execute(
                        "INSERT INTO view_generations (id, live, state, revision) VALUES (1, $live, $s, 1) ON CONFLICT (id) DO NOTHING",
                        ("$live", state.Live),
                        ("$s", json)) == 1;
                }

                return long.TryParse(state.ETag, NumberStyles.None, CultureInfo.InvariantCulture, out var revision)
                    && statements.Execute(
                        "UPDATE view_generations SET live = $live, state = $s, revision = revision + 1 WHERE id = 1 AND revision = $r",
                        ("$live", state.Live),
                        ("$s", json),
                        ("$r", revision)) == 1;
            },
            cancellationToken);
    }

    /// <summary>Deletes a thousand rows a write, so other writers are not held up behind one large transaction.</summary>
    public async Task DropAsync(int generation, CancellationToken cancellationToken = default)
    {
        var pattern = generation == 1 ? null : "%@" + generation.ToString(CultureInfo.InvariantCulture);
        var of = pattern is null ? "instr(kind, '@') = 0" : "kind LIKE $p";
        int deleted;
        do
        {
            deleted = await database.Writer.WriteAsync(
                statements =>
                {
                    if (LiveGeneration(statements) == generation)
                    {
                        throw new InvalidOperationException($"Generation {generation} of the views is live; it cannot be dropped.");
                    }

                    return statements.Execute($"DELETE FROM view_members WHERE (kind, user_id, id) IN (SELECT kind, user_id, id FROM view_members WHERE {of} LIMIT 1000)", ("$p", pattern))
                        + statements.Execute($"DELETE FROM views WHERE (kind, id) IN (SELECT kind, id FROM views WHERE {of} LIMIT 1000)", ("$p", pattern));
                },
                cancellationToken);
        }
        while (deleted > 0);
    }

    private static readonly System.Text.Json.JsonSerializerOptions s_json = new(System.Text.Json.JsonSerializerDefaults.Web);

    private static int LiveGeneration(StatementCache statements) =>
        statements.Scalar("SELECT live FROM view_generations") is long live ? checked((int)live) : 1;

    /// <summary>What a generation appends to the kinds it stores: nothing for the first, so views stored before generations existed are generation 1.</summary>
    private static string Suffix(int generation) =>
        generation switch
        {
            1 => string.Empty,
            > 1 => "@" + generation.ToString(CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(generation), generation, "Generations count from 1."),
        };

    private static string CheckKind(string kind) =>
        kind.Contains('@', StringComparison.Ordinal) ? throw new ArgumentException($"A view kind cannot contain '@': '{kind}'.", nameof(kind)) : kind;
}
