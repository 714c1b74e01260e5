namespace CartOrders.Server.Tests.Fixtures;

/// <summary>Waits for a condition with a timeout, for what the contract calls eventual (views, order placement, pushes).</summary>
public static class Eventually
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    public static Task TrueAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, string? because = null) =>
        TrueAsync(condition, timeout ?? Timeout, () => because);

    /// <summary>The same, with a reason worked out when the wait fails (for one that names what is still missing).</summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string?> because)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(because);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        limit.CancelAfter(timeout);
        var pause = TimeSpan.FromMilliseconds(10);
        while (!await condition())
        {
            try
            {
                await Task.Delay(pause, limit.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"Condition not met within {timeout.TotalSeconds} s{(because() is { } reason ? ": " + reason : "")}.");
            }

            pause = TimeSpan.FromMilliseconds(Math.Min(200, pause.TotalMilliseconds * 2));
        }
    }
}
