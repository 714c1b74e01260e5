using System.Globalization;
using CartOrders.Application.Ports;
using Microsoft.Data.Sqlite;

namespace CartOrders.Storage.Sqlite;

/// <summary>The event store and its feed on SQLite: one transaction per append, unique (stream, version).</summary>
public sealed class SqliteEventStore(SqliteDatabase database) : IEventStore, IEventFeed
{
    private const string EventColumns = "stream_id, version, event_id, type, data, user_id, occurred_at, correlation_id";

    public Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return database.Writer.WriteAsync(connection => Append(connection, request), cancellationToken);
    }

    private static AppendResult Append(SqliteConnection connection, AppendRequest request)
    {
        if (request.Idempotency is { } record)
        {
            using var exists = connection.Command("SELECT 1 FROM idempotency WHERE key = $k", ("$k", record.Key));
            if (exists.ExecuteScalar() is not null)
            {
                throw new IdempotencyKeyTakenException(record.Key);
            }
        }

        long next = request.ExpectedVersion;
        if (request.Events.Count > 0)
        {
            using (var current = connection.Command("SELECT version FROM streams WHERE stream_id = $s", ("$s", request.StreamId)))
            {
                var actual = current.ExecuteScalar() is long v ? v : 0;
                if (actual != request.ExpectedVersion)
                {
                    throw new WrongExpectedVersionException(request.StreamId, request.ExpectedVersion, actual);
                }
            }

            using var insert = connection.Command(
                $"INSERT INTO events ({EventColumns}) VALUES ($s, $v, $id, $t, $d, $u, $at, $c)");
            var p = insert.Parameters;
            p.AddWithValue("$s", request.StreamId);
            var version = p.Add("$v", SqliteType.Integer);
            var id = p.Add("$id", SqliteType.Blob);
            var type = p.Add("$t", SqliteType.Text);
            var data = p.Add("$d", SqliteType.Blob);
            var user = p.Add("$u", SqliteType.Text);
            var at = p.Add("$at", SqliteType.Integer);
            var correlation = p.Add("$c", SqliteType.Text);
            foreach (var e in request.Events)
            {
                version.Value = ++next;
                id.Value = e.EventId.ToByteArray();
                type.Value = e.Type;
                data.Value = e.Data.ToArray();
                user.Value = e.Metadata.UserId;
                at.Value = e.Metadata.OccurredAt.Ticks();
                correlation.Value = (object?)e.Metadata.CorrelationId ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }

            using var stream = connection.Command(
                "INSERT INTO streams (stream_id, version) VALUES ($s, $v) ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version",
                ("$s", request.StreamId),
                ("$v", next));
            stream.ExecuteNonQuery();
        }

        if (request.Snapshot is { } snapshot)
        {
            using var save = connection.Command(
                "INSERT OR REPLACE INTO snapshots (stream_id, version, schema, state, updated_at) VALUES ($s, $v, $sc, $st, $at)",
                ("$s", snapshot.StreamId),
                ("$v", snapshot.Version),
                ("$sc", snapshot.Schema),
                ("$st", snapshot.State.ToArray()),
                ("$at", snapshot.UpdatedAt.Ticks()));
            save.ExecuteNonQuery();
        }

        if (request.Idempotency is { } idem)
        {
            using var save = connection.Command(
                "INSERT INTO idempotency (key, stream_id, fingerprint, status, body, content_type, version, location, created_at) VALUES ($k, $s, $f, $st, $b, $ct, $v, $l, $at)",
                ("$k", idem.Key),
                ("$s", idem.StreamId),
                ("$f", idem.Fingerprint),
                ("$st", idem.Reply.Status),
                ("$b", idem.Reply.Body.ToArray()),
                ("$ct", idem.Reply.ContentType),
                ("$v", idem.Reply.Version),
                ("$l", idem.Reply.Location),
                ("$at", idem.CreatedAt.Ticks()));
            save.ExecuteNonQuery();
        }

        return new AppendResult(next);
    }

    public async Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenRead();
        using var query = connection.Command(
            $"SELECT {EventColumns} FROM events WHERE stream_id = $s AND version >= $from AND version <= $to ORDER BY version",
            ("$s", streamId),
            ("$from", fromVersion),
            ("$to", toVersion));
        return await ReadEventsAsync(query, cancellationToken);
    }

    public async Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenRead();
        using var query = connection.Command("SELECT version, schema, state, updated_at FROM snapshots WHERE stream_id = $s", ("$s", streamId));
        using var reader = await query.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new Snapshot(streamId, reader.GetInt64(0), reader.GetString(1), reader.Bytes(2), reader.GetInt64(3).ToTime())
            : null;
    }

    public async Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenRead();
        using var query = connection.Command(
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

    public async Task<FeedBatch> ReadAsync(string? checkpoint, int maxEvents, CancellationToken cancellationToken = default)
    {
        var after = ParseCheckpoint(checkpoint);
        using var connection = database.OpenRead();
        using var query = connection.Command(
            $"SELECT {EventColumns}, position FROM events WHERE position > $after ORDER BY position LIMIT $max",
            ("$after", after),
            ("$max", maxEvents));
        var events = new List<StoredEvent>();
        var last = after;
        using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(ReadEvent(reader));
            last = reader.GetInt64(8);
        }

        return new FeedBatch(events, last.ToString(CultureInfo.InvariantCulture));
    }

    public Task<long> EstimateLagAsync(string? checkpoint, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenRead();
        using var query = connection.Command("SELECT coalesce(max(position), 0) FROM events");
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

    private static async Task<List<StoredEvent>> ReadEventsAsync(SqliteCommand query, CancellationToken cancellationToken)
    {
        var events = new List<StoredEvent>();
        using var reader = await query.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(ReadEvent(reader));
        }

        return events;
    }

    private static StoredEvent ReadEvent(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetInt64(1),
        new Guid(reader.Bytes(2)),
        reader.GetString(3),
        reader.Bytes(4),
        new EventMetadata(reader.GetString(5), reader.GetInt64(6).ToTime(), reader.IsDBNull(7) ? null : reader.GetString(7)));
}
