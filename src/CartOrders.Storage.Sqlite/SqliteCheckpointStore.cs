using CartOrders.Application.Ports;

namespace CartOrders.Storage.Sqlite;

public sealed class SqliteCheckpointStore(SqliteDatabase database) : ICheckpointStore
{
    public async Task<string?> LoadAsync(string subscription, CancellationToken cancellationToken = default)
    {
        using var read = database.OpenRead();
        var query = read.Statements.Bind("SELECT checkpoint FROM checkpoints WHERE subscription = $s", ("$s", subscription));
        return await query.ExecuteScalarAsync(cancellationToken) as string;
    }

    public Task SaveAsync(string subscription, string checkpoint, CancellationToken cancellationToken = default) =>
        database.Writer.WriteAsync(
            statements => statements.Execute(
                "INSERT INTO checkpoints (subscription, checkpoint) VALUES ($s, $c) ON CONFLICT (subscription) DO UPDATE SET checkpoint = excluded.checkpoint",
                ("$s", subscription),
                ("$c", checkpoint)),
            cancellationToken);
}
