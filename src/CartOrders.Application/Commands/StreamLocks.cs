namespace CartOrders.Application.Commands;

/// <summary>
/// Striped async locks by stream id: commands on one stream in one process run one at a
/// time, so they never conflict with each other and need no retries. Streams that share a
/// stripe only wait for each other briefly; the stripe count bounds the memory.
/// </summary>
public sealed class StreamLocks : IDisposable
{
    private readonly SemaphoreSlim[] _stripes;

    public StreamLocks(int stripes = 1024)
    {
        _stripes = new SemaphoreSlim[stripes];
        for (var i = 0; i < stripes; i++)
        {
            _stripes[i] = new SemaphoreSlim(1, 1);
        }
    }

    public async ValueTask<Releaser> AcquireAsync(string streamId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(streamId);
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(streamId) % (uint)_stripes.Length)];
        await stripe.WaitAsync(cancellationToken);
        return new Releaser(stripe);
    }

    public void Dispose()
    {
        foreach (var s in _stripes)
        {
            s.Dispose();
        }
    }

    public readonly struct Releaser(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}
