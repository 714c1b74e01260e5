using System.Text;
using CartOrders.Application.Ports;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CartOrders.Storage.Sqlite;

/// <summary>
/// Reads event rows (and a stream's snapshot row) through SQLite's C API. The feed and long
/// stream reads materialize many rows, and the ADO.NET reader's per-column overhead cost more
/// than the reading itself (about twice the CPU per row). Consecutive rows mostly repeat their
/// stream, type and user, so those strings are reused rather than decoded again.
/// </summary>
internal static class EventRows
{
    /// <summary>The columns every event read selects, in this order; a feed read adds the position after them.</summary>
    public const string Columns = "stream_id, version, event_id, type, data, user_id, occurred_at, correlation_id";

    /// <summary>Runs the bound statement and reads its rows; resets it afterwards, so the read snapshot is released.</summary>
    /// <param name="lastPosition">the position column (index 8) of the last row when the query selects it, else unchanged.</param>
    public static List<StoredEvent> Read(SqliteConnection connection, sqlite3_stmt statement, int expected, ref long lastPosition)
    {
        var events = new List<StoredEvent>(expected);
        RepeatedText streams = default, types = default, users = default;
        var hasPosition = raw.sqlite3_column_count(statement) > 8;
        try
        {
            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
                var correlation = raw.sqlite3_column_type(statement, 7) == raw.SQLITE_NULL
                    ? null
                    : Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, 7));
                events.Add(new StoredEvent(
                    streams.Get(raw.sqlite3_column_blob(statement, 0)),
                    raw.sqlite3_column_int64(statement, 1),
                    new Guid(raw.sqlite3_column_blob(statement, 2)),
                    types.Get(raw.sqlite3_column_blob(statement, 3)),
                    raw.sqlite3_column_blob(statement, 4).ToArray(),
                    new EventMetadata(users.Get(raw.sqlite3_column_blob(statement, 5)), raw.sqlite3_column_int64(statement, 6).ToTime(), correlation)));
                if (hasPosition)
                {
                    lastPosition = raw.sqlite3_column_int64(statement, 8);
                }
            }

            if (rc != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            }
        }
        finally
        {
            raw.sqlite3_reset(statement);
            raw.sqlite3_clear_bindings(statement);
        }

        return events;
    }

    /// <summary>Runs the bound snapshot query (version, schema, state, updated_at) and reads its row, if any; resets it afterwards.</summary>
    public static Snapshot? ReadSnapshot(SqliteConnection connection, sqlite3_stmt statement, string streamId)
    {
        try
        {
            var rc = raw.sqlite3_step(statement);
            if (rc == raw.SQLITE_DONE)
            {
                return null;
            }

            if (rc != raw.SQLITE_ROW)
            {
                SqliteException.ThrowExceptionForRC(rc, connection.Handle);
            }

            return new Snapshot(
                streamId,
                raw.sqlite3_column_int64(statement, 0),
                Encoding.UTF8.GetString(raw.sqlite3_column_blob(statement, 1)),
                raw.sqlite3_column_blob(statement, 2).ToArray(),
                raw.sqlite3_column_int64(statement, 3).ToTime());
        }
        finally
        {
            raw.sqlite3_reset(statement);
            raw.sqlite3_clear_bindings(statement);
        }
    }

    /// <summary>Throws what SQLite reported, as the ADO.NET layer would.</summary>
    public static void Check(SqliteConnection connection, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        }
    }

    /// <summary>The last string decoded for a column, kept while the next rows bring the same bytes.</summary>
    private struct RepeatedText
    {
        private byte[]? _utf8;
        private int _length;
        private string? _text;

        public string Get(ReadOnlySpan<byte> utf8)
        {
            if (_text is not null && utf8.SequenceEqual(_utf8.AsSpan(0, _length)))
            {
                return _text;
            }

            if (_utf8 is null || _utf8.Length < utf8.Length)
            {
                _utf8 = new byte[Math.Max(64, utf8.Length)];
            }

            utf8.CopyTo(_utf8);
            _length = utf8.Length;
            return _text = Encoding.UTF8.GetString(utf8);
        }
    }
}
