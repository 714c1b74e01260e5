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
}
