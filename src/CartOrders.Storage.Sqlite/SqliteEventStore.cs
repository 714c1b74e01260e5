using System.Globalization;
using CartOrders.Application.Ports;
using SQLitePCL;

namespace CartOrders.Storage.Sqlite;

/// <summary>The event store and its feed on SQLite: one transaction per append, unique (stream, version).</summary>
public sealed class SqliteEventStore(SqliteDatabase database) : IEventStore, IEventFeed
{
    private const string EventColumns = EventRows.Columns;

    /// <summary>
    /// Snapshots live in their own table, so a stream's snapshot may trail its events: writing the
    /// state (often several pages for a full cart) at every 16th version instead of every append
    /// was the largest single saving in the server's profile, and a load reads at most 15 events more.
    /// </summary>
    public const int SnapshotEvery = 16;

    public int SnapshotInterval => SnapshotEvery;

    public Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return database.Writer.WriteAsync(WriteKind.Events, statements => Append(statements, request), cancellationToken);
    }

    private static AppendResult Append(StatementCache statements, AppendRequest request)
    {
        if (request.Idempotency is { } record && statements.Scalar("SELECT 1 FROM idempotency WHERE key = $k", ("$k", record.Key)) is not null)
        {
            throw new IdempotencyKeyTakenException(record.Key);
        }

        var next = request.ExpectedVersion;
        foreach (var e in request.Events)
        {
            (string, object?)[] row =
            [
                ("$s", request.StreamId),
                ("$v", ++next),
                ("$id", e.EventId.ToByteArray()),
                ("$t", e.Type),
                ("$d", Blob(e.Data)),
                ("$u", e.Metadata.UserId),
                ("$at", e.Metadata.OccurredAt.Ticks()),
                ("$c", e.Metadata.CorrelationId),
            ];
            if (next > request.ExpectedVersion + 1)
            {
                statements.Execute($"INSERT INTO events ({EventColumns}) VALUES ($s, $v, $id, $t, $d, $u, $at, $c)", row);
                continue;
            }

            // The first event's insert is also the optimistic check: it happens only while the
            // stream is at the expected version. The unique (stream_id, version) index answers
            // that in one seek, so no separate table of stream versions is kept up to date.
            if (statements.Execute($"INSERT INTO events ({EventColumns}) SELECT $s, $v, $id, $t, $d, $u, $at, $c WHERE $v - 1 = (SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $s)", row) == 0)
            {
                var actual = (long)statements.Scalar("SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $s", ("$s", request.StreamId))!;
                throw new WrongExpectedVersionException(request.StreamId, request.ExpectedVersion, actual);
            }
        }

        if (request.Snapshot is { } snapshot)
        {
            statements.Execute(
                "INSERT OR REPLACE INTO snapshots (stream_id, version, schema, state, updated_at) VALUES ($s, $v, $sc, $st, $at)",
                ("$s", snapshot.StreamId),
                ("$v", snapshot.Version),
                ("$sc", snapshot.Schema),
                ("$st", Blob(snapshot.State)),
                ("$at", snapshot.UpdatedAt.Ticks()));
        }

        if (request.Idempotency is { } idem)
        {
            statements.Execute(
                "INSERT INTO idempotency (key, stream_id, fingerprint, status, body, content_type, version, location, created_at) VALUES ($k, $s, $f, $st, $b, $ct, $v, $l, $at)",
                ("$k", idem.Key),
                ("$s", idem.StreamId),
                ("$f", idem.Fingerprint),
                ("$st", idem.Reply.Status),
                ("$b", Blob(idem.Reply.Body)),
                ("$ct", idem.Reply.ContentType),
                ("$v", idem.Reply.Version),
                ("$l", idem.Reply.Location),
                ("$at", idem.CreatedAt.Ticks()));
        }

        return new AppendResult(next);
    }

    /// <summary>The payload as the byte[] SQLite binds, without a copy when it already is one.</summary>
    private static byte[] Blob(ReadOnlyMemory<byte> data) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(data, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : data.ToArray();

    public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default)
    {
        using var read = database.OpenRead();
        var query = read.Statements.Native($"SELECT {EventColumns} FROM events WHERE stream_id = ?1 AND version >= ?2 AND version <= ?3 ORDER BY version");
        EventRows.Check(read.Connection, raw.sqlite3_bind_text(query, 1, streamId));
        EventRows.Check(read.Connection, raw.sqlite3_bind_int64(query, 2, fromVersion));
        EventRows.Check(read.Connection, raw.sqlite3_bind_int64(query, 3, toVersion));
        long unused = 0;
        return Task.FromResult<IReadOnlyList<StoredEvent>>(EventRows.Read(read.Connection, query, 0, ref unused));
    }

    public Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default)
    {
        using var read = database.OpenRead();
        var query = read.Statements.Native("SELECT version, schema, state, updated_at FROM snapshots WHERE stream_id = ?1");
        EventRows.Check(read.Connection, raw.sqlite3_bind_text(query, 1, streamId));
        return Task.FromResult(EventRows.ReadSnapshot(read.Connection, query, streamId));
    }

    public async Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default)
    {
        using var read = database.OpenRead();
        var query = read.Statements.Bind(
            "SELECT stream_id, fingerprint, status, body, content_type, version, location, created_at FROM idempotency WHERE key = $k",
            ("$k", key));
        using var reader = await query.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var reply = new CommandReply(
            reader.GetInt32(2),
            reader.Bytes(3),
            reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetInt64(5),
            reader.IsDBNull(6) ? null : reader.GetString(6));
        return new IdempotencyRecord(key, reader.GetString(0), reader.GetString(1), reply, reader.GetInt64(7).ToTime());
    }

    public Task<FeedBatch> ReadAsync(string? checkpoint, int maxEvents, CancellationToken cancellationToken = default)
    {
        var last = ParseCheckpoint(checkpoint);
        using var read = database.OpenRead();
        var query = read.Statements.Native($"SELECT {EventColumns}, position FROM events WHERE position > ?1 ORDER BY position LIMIT ?2");
        EventRows.Check(read.Connection, raw.sqlite3_bind_int64(query, 1, last));
        EventRows.Check(read.Connection, raw.sqlite3_bind_int(query, 2, maxEvents));
        var events = EventRows.Read(read.Connection, query, Math.Min(maxEvents, 16 * 1024), ref last);
        return Task.FromResult(new FeedBatch(events, last.ToString(CultureInfo.InvariantCulture)));
    }

    public Task<long> EstimateLagAsync(string? checkpoint, CancellationToken cancellationToken = default)
    {
        using var read = database.OpenRead();
        var query = read.Statements.Bind("SELECT coalesce(max(position), 0) FROM events");
        return Task.FromResult(Math.Max(0, (long)query.ExecuteScalar()! - ParseCheckpoint(checkpoint)));
    }

    public async Task WaitForEventsAsync(string? checkpoint, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var next = database.Signal.Next;
        if (await EstimateLagAsync(checkpoint, cancellationToken) > 0)
        {
            return;
        }

        await AppendSignal.WaitAsync(next, timeout, cancellationToken);
    }

    private static long ParseCheckpoint(string? checkpoint) =>
        checkpoint is null ? 0 : long.Parse(checkpoint, NumberStyles.None, CultureInfo.InvariantCulture);
}
