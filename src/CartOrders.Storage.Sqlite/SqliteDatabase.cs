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
    // Each idle reader keeps its page cache; a few cover the concurrency of a small server.
    private const int MaxIdleReaders = 16;

    private readonly string _readConnectionString;
    private readonly WalCheckpointer _checkpointer;
    private readonly System.Collections.Concurrent.ConcurrentBag<ReadSession> _idleReaders = [];
    private volatile bool _disposed;

    public SqliteDatabase(IOptions<SqliteStoreOptions> options, ILogger<SqliteDatabase> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        var path = Path.GetFullPath(settings.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        FilePath = path;
        OwnerOnlyFiles.Prepare(path);
        var builder = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 };
        var writeConnection = new SqliteConnection(builder.ToString());
        writeConnection.Open();
        var synchronous = settings.Durability == SqliteDurability.Full ? "FULL" : "NORMAL";
        Pragma(writeConnection, "journal_mode=WAL");
        Pragma(writeConnection, "synchronous=" + synchronous);
        Pragma(writeConnection, "busy_timeout=30000");
        Pragma(writeConnection, FormattableString.Invariant($"cache_size=-{Math.Clamp(settings.WriterCacheMegabytes, 1, 4096) * 1024}"));

        // SQLite's automatic checkpoint stays on: only a checkpoint by the writer itself lets the
        // WAL start over under a steady write load. WalCheckpointer does the bulk of the copying
        // on its own thread, so what is left for the writer's commit is small.
        Pragma(writeConnection, "wal_autocheckpoint=8000");
        using (var create = writeConnection.CreateCommand())
        {
            create.CommandText = Schema.Create;
            create.ExecuteNonQuery();
            create.CommandText = Schema.ViewsCreatedAtMissing;
            if (Convert.ToBoolean(create.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture))
            {
                create.CommandText = Schema.AddViewsCreatedAt;
                create.ExecuteNonQuery();
            }
        }

        _checkpointer = new WalCheckpointer(builder.ToString(), synchronous, logger);
        builder.Mode = SqliteOpenMode.ReadOnly;
        _readConnectionString = builder.ToString();
        Writer = new SqliteWriter(writeConnection, synchronous, logger, appendedEvents =>
        {
            _checkpointer.Committed();

            // Only new events are news to the feed pumps: a view or checkpoint commit waking them
            // would have each one read its checkpoint and the feed for nothing.
            if (appendedEvents)
            {
                Signal.Signal();
            }
        });
    }

    public string FilePath { get; }

    internal SqliteWriter Writer { get; }

    internal AppendSignal Signal { get; } = new();

    /// <summary>A read-only connection with its prepared statements, from the pool; disposing it gives it back.</summary>
    internal ReadSession OpenRead()
    {
        if (_idleReaders.TryTake(out var session))
        {
            return session;
        }

        var connection = new SqliteConnection(_readConnectionString);
        connection.Open();
        return new ReadSession(this, connection);
    }

    private void Return(ReadSession session)
    {
        if (_disposed || _idleReaders.Count >= MaxIdleReaders)
        {
            session.Close();
            return;
        }

        _idleReaders.Add(session);
        if (_disposed && _idleReaders.TryTake(out var late))
        {
            // Given back while the database was being disposed: close it rather than leave it open.
            late.Close();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        while (_idleReaders.TryTake(out var session))
        {
            session.Close();
        }

        await Writer.DisposeAsync();
        _checkpointer.Dispose();
    }

    /// <summary>
    /// A read connection and the statements prepared on it. Preparing costs more than running
    /// most of our reads, so sessions (and their statements) are pooled rather than opened per read.
    /// </summary>
    internal sealed class ReadSession(SqliteDatabase database, SqliteConnection connection) : IDisposable
    {
        public StatementCache Statements { get; } = new(connection);

        public SqliteConnection Connection => connection;

        public void Dispose() => database.Return(this);

        public void Close()
        {
            Statements.Dispose();
            connection.Dispose();
        }
    }

    private static void Pragma(SqliteConnection connection, string pragma)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA " + pragma;
        command.ExecuteNonQuery();
    }
}

/// <summary>
/// The database holds every user's carts and orders: it is created readable and writable by its
/// owner only (0600), like the development signing key. SQLite gives its -wal and -shm files the
/// database file's permissions; files left by an older version are narrowed to the same.
/// </summary>
internal static class OwnerOnlyFiles
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Prepare(string databasePath)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            using var created = new FileStream(databasePath, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = OwnerReadWrite,
            });
        }
        catch (IOException) when (File.Exists(databasePath))
        {
            // There already: narrowed below.
        }

        foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm" })
        {
            if (File.Exists(file) && (File.GetUnixFileMode(file) & ~OwnerReadWrite) != 0)
            {
                File.SetUnixFileMode(file, File.GetUnixFileMode(file) & OwnerReadWrite);
            }
        }
    }
}

internal static class SqliteExtensions
{
    public static long Ticks(this DateTimeOffset at) => at.UtcTicks;

    public static DateTimeOffset ToTime(this long ticks) => new(ticks, TimeSpan.Zero);

    public static byte[] Bytes(this SqliteDataReader reader, int ordinal) => (byte[])reader.GetValue(ordinal);
}
