using System.Diagnostics.Metrics;
using CartOrders.Application;

namespace CartOrders.Storage.Sqlite;

/// <summary>The embedded store's instruments, on the product's meter.</summary>
internal static class SqliteTelemetry
{
    /// <summary>How many writes one commit (one fsync) acknowledged: how well group commit is sharing the cost.</summary>
    public static readonly Histogram<int> GroupCommitWrites = Telemetry.Meter.CreateHistogram<int>(
        "cartorders.sqlite.group_commit.writes",
        unit: "{write}",
        description: "Writes acknowledged by one commit of the SQLite writer");
}
