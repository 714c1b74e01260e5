namespace CartOrders.Storage.Sqlite;

/// <summary>Wakes feed pumps in this process as soon as a commit made new events visible.</summary>
internal sealed class AppendSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Signal() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Take the awaitable before checking for new events, so a commit in between is not missed.</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    public static async Task WaitAsync(Task next, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await next.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing appended within the timeout; the caller reads anyway.
        }
    }
}
