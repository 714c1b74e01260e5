using CartOrders.Application.Ports;

namespace CartOrders.Storage.Sqlite;

/// <summary>
/// Checkpoints in the <c>checkpoints</c> table. A checkpoint's version is its value: positions only go up, so a value is never stored twice.
/// Saved as derived writes (<see cref="SqliteWriter.WriteAsync{T}(WriteKind, Func{StatementCache, T}, CancellationToken)"/>): a checkpoint lost to a power loss replays its events.
/// </summary>
public sealed class SqliteCheckpointStore(SqliteDatabase database) : ICheckpointStore
{
    public async Task<string?> LoadAsync(string subscription, CancellationToken cancellationToken = default)
    {
        using var read = database.OpenRead();
        var query = read.Statements.Bind("SELECT checkpoint FROM checkpoints WHERE subscription = $s", ("$s", subscription));
        return await query.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<StoredCheckpoint?> ReadAsync(string subscription, CancellationToken cancellationToken = default) =>
        await LoadAsync(subscription, cancellationToken) is { } value ? new StoredCheckpoint(value, value) : null;

    public Task SaveAsync(string subscription, string checkpoint, CancellationToken cancellationToken = default) =>
        database.Writer.WriteAsync(
            WriteKind.Derived,
            statements => statements.Execute(
                "INSERT INTO checkpoints (subscription, checkpoint) VALUES ($s, $c) ON CONFLICT (subscription) DO UPDATE SET checkpoint = excluded.checkpoint",
                ("$s", subscription),
                ("$c", checkpoint)),
            cancellationToken);

    public async Task<bool> TrySaveAsync(string subscription, string checkpoint, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var changed = await database.Writer.WriteAsync(
            WriteKind.Derived,
            statements => expectedVersion is null
                ? statements.Execute(
                    "INSERT INTO checkpoints (subscription, checkpoint) VALUES ($s, $c) ON CONFLICT (subscription) DO NOTHING",
                    ("$s", subscription),
                    ("$c", checkpoint))
                : statements.Execute(
                    "UPDATE checkpoints SET checkpoint = $c WHERE subscription = $s AND checkpoint = $e",
                    ("$s", subscription),
                    ("$c", checkpoint),
                    ("$e", expectedVersion)),
            cancellationToken);
        return changed == 1;
    }
}
