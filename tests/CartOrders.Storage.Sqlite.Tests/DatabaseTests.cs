using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite.Tests;

/// <summary>The database file as opened: the writer's settings, read-only pooled readers, files only the owner can read.</summary>
public sealed class DatabaseTests : IAsyncDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cartorders-database-");
    private readonly List<SqliteDatabase> _databases = [];

    private string PathOf(string name) => Path.Combine(_folder.FullName, name);

    private SqliteDatabase Open(SqliteStoreOptions options)
    {
        var database = new SqliteDatabase(Options.Create(options), NullLogger<SqliteDatabase>.Instance);
        _databases.Add(database);
        return database;
    }

    [Fact]
    public async Task The_writer_runs_in_WAL_mode_with_its_busy_timeout_checkpoint_threshold_and_a_16_MiB_cache()
    {
        var database = Open(new SqliteStoreOptions { Path = PathOf("store.db") });

        Assert.Equal("wal", await WriterPragmaAsync(database, "journal_mode"));
        Assert.Equal(30_000L, await WriterPragmaAsync(database, "busy_timeout"));
        Assert.Equal(8_000L, await WriterPragmaAsync(database, "wal_autocheckpoint"));
        Assert.Equal(-16L * 1024, await WriterPragmaAsync(database, "cache_size"));
    }

    [Theory]
    [InlineData(256, -256L * 1024)]
    [InlineData(1, -1024L)]
    [InlineData(0, -1024L)]
    [InlineData(4096, -4096L * 1024)]
    [InlineData(5000, -4096L * 1024)]
    public async Task The_writer_cache_is_the_configured_size_held_between_1_MiB_and_4_GiB(int megabytes, long cacheSize)
    {
        var database = Open(new SqliteStoreOptions { Path = PathOf("store.db"), WriterCacheMegabytes = megabytes });

        Assert.Equal(cacheSize, await WriterPragmaAsync(database, "cache_size"));
    }

    [Fact]
    public void The_folder_of_the_database_is_created_and_the_path_made_absolute()
    {
        var path = Path.Combine(_folder.FullName, "nested", "deeper", "store.db");

        var database = Open(new SqliteStoreOptions { Path = path });

        Assert.Equal(path, database.FilePath);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void Readers_cannot_write()
    {
        var database = Open(new SqliteStoreOptions { Path = PathOf("store.db") });

        using var read = database.OpenRead();
        using var command = read.Connection.CreateCommand();
        command.CommandText = "DELETE FROM events";

        var error = Assert.Throws<SqliteException>(() => command.ExecuteNonQuery());
        Assert.Equal(8, error.SqliteErrorCode); // SQLITE_READONLY
    }

    [Fact]
    public void A_reader_given_back_is_reused_and_at_most_16_idle_readers_are_kept()
    {
        var database = Open(new SqliteStoreOptions { Path = PathOf("store.db") });

        var first = database.OpenRead();
        first.Dispose();
        Assert.Same(first, database.OpenRead());

        var sessions = Enumerable.Range(0, 20).Select(_ => database.OpenRead()).ToList();
        sessions.ForEach(s => s.Dispose());
        var again = Enumerable.Range(0, 20).Select(_ => database.OpenRead()).ToList();

        Assert.Equal(16, again.Intersect(sessions).Count());
        again.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task A_reader_given_back_after_the_database_was_disposed_is_closed()
    {
        var database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = PathOf("store.db") }), NullLogger<SqliteDatabase>.Instance);
        var idle = database.OpenRead();
        var busy = database.OpenRead();
        idle.Dispose();

        await database.DisposeAsync();
        busy.Dispose();

        Assert.Equal(System.Data.ConnectionState.Closed, idle.Connection.State);
        Assert.Equal(System.Data.ConnectionState.Closed, busy.Connection.State);
    }

    [Fact]
    public async Task A_new_database_and_its_WAL_files_are_readable_by_their_owner_only()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("File modes are a Unix notion.");
            return;
        }

        var path = PathOf("store.db");
        var database = Open(new SqliteStoreOptions { Path = path });
        await new SqliteEventStore(database).AppendAsync(new(
            "cart-1",
            0,
            [new(Guid.NewGuid(), "CartCreated.v1", "{}"u8.ToArray(), new("alice", DateTimeOffset.UtcNow))]),
            TestContext.Current.CancellationToken);

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task Files_left_readable_by_others_are_narrowed_to_the_owner()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("File modes are a Unix notion.");
            return;
        }

        var path = PathOf("old.db");
        var creator = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = path }), NullLogger<SqliteDatabase>.Instance);
        await creator.DisposeAsync();
        SqliteConnection.ClearAllPools();
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.OtherWrite);
        foreach (var file in new[] { path + "-wal", path + "-shm" })
        {
            File.WriteAllBytes(file, []);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        }

        Open(new SqliteStoreOptions { Path = path });

        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var database in _databases)
        {
            await database.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private static Task<object> WriterPragmaAsync(SqliteDatabase database, string pragma) =>
        database.Writer.WriteAsync(statements =>
        {
            using var command = statements.Connection.CreateCommand();
            command.CommandText = "PRAGMA " + pragma;
            return command.ExecuteScalar()!;
        });
}
