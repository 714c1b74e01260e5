using System.Diagnostics.Metrics;

namespace CartOrders.Bench.Store;

/// <summary>Listens to the embedded store's group-commit histogram: commits and the writes they acknowledged.</summary>
internal sealed class CommitMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _commits;
    private long _writes;

    public CommitMeter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == "cartorders.sqlite.group_commit.writes")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((_, writes, _, _) =>
        {
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _writes, writes);
        });
        _listener.Start();
    }

    public (long Commits, long Writes) Read() => (Interlocked.Read(ref _commits), Interlocked.Read(ref _writes));

    public void Dispose() => _listener.Dispose();
}
