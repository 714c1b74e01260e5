using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite;

/// <summary>
/// Keeps the file from growing with what is only kept for a while: idempotency records older than
/// <see cref="SqliteStoreOptions.IdempotencyRetention"/> (24 h), and the checkpoints and parked
/// events of retired subscriptions. Runs at start and then every
/// <see cref="SqliteStoreOptions.SweepInterval"/>, on the clock it is given (tests move it). Deletes
/// in small batches, so the single writer is never held for long. History is never deleted.
/// </summary>
public sealed partial class SqliteRetention(
    SqliteDatabase database,
    IOptions<SqliteStoreOptions> options,
    TimeProvider clock,
    ILogger<SqliteRetention> logger) : BackgroundService
{
    private const int BatchSize = 2_000;

    /// <summary>One sweep; answers how many idempotency records it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var cutoff = (clock.GetUtcNow() - settings.IdempotencyRetention).Ticks();
        var expired = 0;
        while (true)
        {
            var deleted = await database.Writer.WriteAsync(
                statements => statements.Execute(
                    "DELETE FROM idempotency WHERE key IN (SELECT key FROM idempotency WHERE created_at < $cutoff LIMIT $n)",
                    ("$cutoff", cutoff),
                    ("$n", BatchSize)),
                cancellationToken);
            expired += deleted;
            if (deleted < BatchSize)
            {
                break;
            }
        }

        foreach (var retired in settings.RetiredSubscriptions)
        {
            var removed = await database.Writer.WriteAsync(
                statements => statements.Execute("DELETE FROM checkpoints WHERE subscription = $s", ("$s", retired))
                    + statements.Execute("DELETE FROM parked_events WHERE subscription = $s", ("$s", retired)),
                cancellationToken);
            if (removed > 0)
            {
                LogRetired(logger, retired, removed);
            }
        }

        if (expired > 0)
        {
            LogExpired(logger, expired);
        }

        return expired;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The next sweep tries again; nothing is lost by waiting.
                LogFailed(logger, error);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} idempotency records past their retention")]
    private static partial void LogExpired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: removed the checkpoint and parked events of retired subscription {Subscription} ({Rows} rows)")]
    private static partial void LogRetired(ILogger logger, string subscription, int rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep failed; it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
