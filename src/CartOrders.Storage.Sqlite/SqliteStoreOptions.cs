namespace CartOrders.Storage.Sqlite;

public enum SqliteDurability
{
    /// <summary>Every acknowledged write has been fsynced (synchronous=FULL). The default.</summary>
    Full,

    /// <summary>WAL with synchronous=NORMAL: faster, but a power loss may drop the last commits (a process crash does not).</summary>
    Normal,
}

/// <summary>Configuration section <c>Sqlite</c>.</summary>
public sealed class SqliteStoreOptions
{
    public const string Section = "Sqlite";

    /// <summary>The database file; its folder is created when missing.</summary>
    public string Path { get; set; } = System.IO.Path.Combine("data", "cartorders.db");

    public SqliteDurability Durability { get; set; } = SqliteDurability.Full;

    /// <summary>
    /// The most page cache the writer's connection keeps, in MiB (1-4096). SQLite's default of 2 MiB
    /// is smaller than the pages a busy server writes to (the tails of the event indexes, snapshots,
    /// views), and every page it drops is read back from the file on the next write that needs it.
    /// The cache grows only as pages are used.
    /// </summary>
    public int WriterCacheMegabytes { get; set; } = 16;

    /// <summary>How long an idempotency record is kept; the retention sweep deletes older ones.</summary>
    public TimeSpan IdempotencyRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the retention sweep runs.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Feed subscriptions taken out of service: their checkpoints and parked events are deleted by
    /// the next sweep, so they do not pile up. A name still in service must never be listed here.
    /// </summary>
    public IList<string> RetiredSubscriptions { get; } = [];
}
