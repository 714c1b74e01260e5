using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CartOrders.Storage.Sqlite;

/// <summary>
/// Prepared statements of one connection, kept by SQL text for the connection's life: parsing
/// and planning a statement costs more than running one of our small ones, so each SQL text is
/// prepared once. Commands handed out belong to the cache (callers bind and run, never dispose),
/// and a connection is used by one caller at a time, so neither needs a lock.
/// </summary>
internal sealed class StatementCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, sqlite3_stmt> _native = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    /// <summary>The prepared command for the SQL text, with these parameter values bound.</summary>
    public SqliteCommand Bind(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }

        var bound = command.Parameters;
        foreach (var (name, value) in parameters)
        {
            var index = bound.IndexOf(name);
            if (index < 0)
            {
                bound.AddWithValue(name, value ?? DBNull.Value);
            }
            else
            {
                bound[index].Value = value ?? DBNull.Value;
            }
        }

        return command;
    }

    public int Execute(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) => Bind(sql, parameters).ExecuteNonQuery();

    public object? Scalar(string sql, params ReadOnlySpan<(string Name, object? Value)> parameters) => Bind(sql, parameters).ExecuteScalar();

    /// <summary>
    /// The statement prepared on the connection's native handle, for reads that materialize many
    /// rows (see <see cref="EventRows"/>). Parameters are positional (<c>?1</c>, <c>?2</c>).
    /// </summary>
    public sqlite3_stmt Native(string sql)
    {
        if (!_native.TryGetValue(sql, out var statement))
        {
            var handle = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
            SqliteException.ThrowExceptionForRC(raw.sqlite3_prepare_v2(handle, sql, out statement), handle);
            _native.Add(sql, statement);
        }

        return statement;
    }

    public void Dispose()
    {
        foreach (var statement in _native.Values)
        {
            statement.Dispose();
        }

        _native.Clear();
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        _commands.Clear();
    }
}
