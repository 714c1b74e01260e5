using System.Diagnostics;

namespace CartOrders.Bench.Store;

/// <summary>An event store as the append measurement drives it: one event per append, at an expected version.</summary>
internal interface IAppendTarget : IAsyncDisposable
{
    string Name { get; }

    /// <param name="expectedVersion">The stream's version before this append (0: the stream is new).</param>
    Task AppendAsync(string streamId, long expectedVersion, CancellationToken cancellationToken);
}

internal sealed record AppendRun(long Appends, TimeSpan Elapsed, Latencies Latencies, TimeSpan ProcessCpu, double WritesPerCommit)
{
    /// <summary>CPU time of this process (load and, for the embedded store, the store itself) per append.</summary>
    public double CpuMicrosecondsPerAppend => ProcessCpu.TotalMicroseconds / Math.Max(1, Appends);

    public double PerSecond => Appends / Elapsed.TotalSeconds;
}

/// <summary>
/// Closed-loop append load: each writer appends one event, waits for the acknowledgement, and
/// appends the next. Writer w owns the streams w, w + writers, ... and walks them round-robin,
/// so expected versions are always right and the store never has to refuse a conflict.
/// The first <c>warmup</c> is run but not counted.
/// </summary>
internal static class AppendLoad
{
    private const long MaxAppendsPerWriter = 2_000_000;

    public static async Task<AppendRun> RunAsync(
        IAppendTarget target,
        string streamPrefix,
        int streams,
        int writers,
        TimeSpan warmup,
        TimeSpan duration,
        CancellationToken cancellationToken)
    {
        var streamIds = Enumerable.Range(0, streams).Select(i => $"{streamPrefix}-{i}").ToArray();
        var versions = new long[streams];
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var measureTo = measureFrom + (long)(duration.TotalSeconds * Stopwatch.Frequency);

        async Task<(long Count, Latencies Latencies)> Writer(int w)
        {
            var latencies = new Latencies(64 * 1024);
            long counted = 0;
            var next = w;
            for (long n = 0; n < MaxAppendsPerWriter && !cancellationToken.IsCancellationRequested; n++)
            {
                var before = Stopwatch.GetTimestamp();
                if (before >= measureTo)
                {
                    break;
                }

                await target.AppendAsync(streamIds[next], versions[next], cancellationToken);
                versions[next]++;
                var after = Stopwatch.GetTimestamp();
                if (before >= measureFrom && after <= measureTo)
                {
                    latencies.Add(after - before);
                    counted++;
                }

                next += writers;
                if (next >= streams)
                {
                    next = w;
                }
            }

            return (counted, latencies);
        }

        using var commits = new CommitMeter();
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var sysAtStart = Process.GetCurrentProcess().PrivilegedProcessorTime;
        var results = await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(() => Writer(w), cancellationToken)));
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart;
        var sys = Process.GetCurrentProcess().PrivilegedProcessorTime - sysAtStart;
        Console.WriteLine($"     kernel share of CPU {sys / cpu:P0}");
        var total = results.Sum(r => r.Count);
        var elapsed = TimeSpan.FromSeconds((double)(Stopwatch.GetTimestamp() - start) / Stopwatch.Frequency);

        // CPU is measured over warm-up and run together, so it is scaled to the counted share.
        var (commitCount, writes) = commits.Read();
        return new AppendRun(total, duration, Latencies.Merge(results.Select(r => r.Latencies)), cpu * (duration / elapsed), commitCount == 0 ? double.NaN : (double)writes / commitCount);
    }
}
