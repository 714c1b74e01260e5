namespace CartOrders.Application.Feed;

/// <summary>
/// The loop of a hosted worker that must outlive any failure: a turn, then (when it found nothing
/// to do) a wait; a failed turn is reported and retried after a backoff that doubles up to 30 s.
/// </summary>
public static class BackgroundTurns
{
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(30);

    /// <param name="turn">One turn; true when it did work (the next turn comes at once).</param>
    /// <param name="idle">The wait after a turn that found nothing to do.</param>
    /// <param name="failed">Told of each failure, how many in a row, and the delay before the next turn.</param>
    public static async Task RunAsync(Func<CancellationToken, Task<bool>> turn, Func<CancellationToken, Task> idle, Action<Exception, int, TimeSpan> failed, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(idle);
        ArgumentNullException.ThrowIfNull(failed);
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await turn(stoppingToken))
                {
                    await idle(stoppingToken);
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // a worker must outlive any failure; it reports and retries
            catch (Exception error)
#pragma warning restore CA1031
            {
                failures++;
                var delay = TimeSpan.FromMilliseconds(Math.Min(s_maxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 10))));
                failed(error, failures, delay);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}
