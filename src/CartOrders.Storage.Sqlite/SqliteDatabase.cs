using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite;

/// <summary>
/// The one SQLite file behind every port: a single group-committing writer and pooled readers
/// (WAL lets readers run alongside the writer).
/// </summary>
public sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly string _readConnectionString;

    public SqliteDatabase(IOptions<SqliteStoreOptions> options, ILogger<SqliteDatabase> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        var path = Path.GetFullPath(settings.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        FilePath = path;
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 };
        var writeConnection = new SqliteConnection(builder.ToString());
        writeConnection.Open();
        Pragma(writeConnection, "journal_mode=WAL");
        Pragma(writeConnection, settings.Durability == SqliteDurability.Full ? "synchronous=FULL" : "synchronous=NORMAL");
        Pragma(writeConnection, "busy_timeout=30000");
        using (var create = writeConnection.CreateCommand())
        {
            create.CommandText = Schema.Create;
            create.ExecuteNonQuery();
        }

        builder.Mode = SqliteOpenMode.ReadOnly;
        _readConnectionString = builder.ToString();
        Writer = new SqliteWriter(writeConnection, logger, Signal.Signal);
    }

    public string FilePath { get; }

    internal SqliteWriter Writer { get; }

    internal AppendSignal Signal { get; } = new();

    internal SqliteConnection OpenRead()
    {
        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return connection;
    }

    public ValueTask DisposeAsync() => Writer.DisposeAsync();

    private static void Pragma(SqliteConnection connection, string pragma)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + pragma;
        command.ExecuteNonQuery();
    }
}

internal static class SqliteExtensions
{
    public static SqliteCommand Command(this SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    public static long Ticks(this DateTimeOffset at) => at.UtcTicks;

    public static DateTimeOffset ToTime(this long ticks) => new(ticks, TimeSpan.Zero);

    public static byte[] Bytes(this SqliteDataReader reader, int ordinal) => (byte[])reader.GetValue(ordinal);
}
