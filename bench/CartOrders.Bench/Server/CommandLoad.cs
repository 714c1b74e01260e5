using System.Diagnostics;
using System.Net;

namespace CartOrders.Bench.Server;

internal sealed record LoadResult(long Ok, long Failed, TimeSpan Elapsed, Latencies Latencies, string? FirstFailure)
{
    public double PerSecond => Ok / Elapsed.TotalSeconds;

    public string Describe(bool withP999 = true) =>
        $"{Format.Rate(PerSecond, "commands")}; {Latencies.Summary(withP999)}{(Failed > 0 ? $"; {Format.Count(Failed)} failed (first: {FirstFailure})" : string.Empty)}";
}

/// <summary>
/// Add-item commands against the carts of the bench users, over HTTP. Each cart's products and
/// quantities stay within the cart rules (40 products, 99 each), so every command is accepted
/// and appends one event. Loads are bounded in time and in count.
/// </summary>
internal sealed class CommandLoad(ApiClient api, IReadOnlyList<(BenchUser User, string Cart)> targets, bool idempotencyKeys = false)
{
    private const int MaxOutstanding = 2_048;
    private const long MaxCommands = 2_000_000;
    private readonly int[] _sent = new int[targets.Count];

    /// <summary>
    /// A fresh server compiles its hot paths for the first ten seconds or so of load (tiered JIT);
    /// a server that has been running would not, so every server part runs this before measuring.
    /// </summary>
    public static TimeSpan WarmUp(BenchOptions options) => TimeSpan.FromSeconds(options.Quick ? 3 : 10);

    /// <summary>The JIT counts as settled once its background thread uses less than this share of a core.</summary>
    private const double JitSettled = 0.02;

    private const string JitThread = ".NET Tiered Com";

    /// <summary>
    /// Closed-loop commands, then steps of 1,000 commands/s until the JIT's background compilation
    /// has settled (at most a minute). Under the closed loop the machine is busy and the JIT's
    /// thread falls behind; it catches up once there is idle CPU, which without this step would
    /// happen inside the next measurement and count as the commands' CPU (a third of the server's
    /// CPU at 1,000 commands/s, sampled with perf, when only the closed loop preceded it).
    /// </summary>
    public async Task WarmUpAsync(BenchOptions options, ServerProcess server, CancellationToken cancellationToken)
    {
        Console.WriteLine($"   warming the server up: {WarmUp(options).TotalSeconds:0} s of commands from 32 clients");
        await ClosedLoopAsync(32, TimeSpan.Zero, WarmUp(options), null, cancellationToken);
        var step = TimeSpan.FromSeconds(options.Quick ? 1 : 3);
        for (var settled = TimeSpan.Zero; settled < TimeSpan.FromMinutes(1); settled += step)
        {
            var jit = server.ThreadCpuTime(JitThread);
            await FixedRateAsync(1_000, TimeSpan.Zero, step, null, cancellationToken);
            var share = (server.ThreadCpuTime(JitThread) - jit) / step;
            if (share < JitSettled)
            {
                Console.WriteLine($"   JIT settled after {(settled + step).TotalSeconds:0} s more at 1,000 commands/s ({share:P1} of a core in the last {step.TotalSeconds:0} s)");
                return;
            }
        }

        Console.WriteLine("   the JIT was still compiling after a minute at 1,000 commands/s; measuring anyway");
    }

    /// <summary>Closed loop: each client sends a command, waits for the answer, sends the next.</summary>
    public async Task<LoadResult> ClosedLoopAsync(int clients, TimeSpan warmup, TimeSpan duration, Action? sample, CancellationToken cancellationToken)
    {
        var measureFrom = Stopwatch.GetTimestamp() + Ticks(warmup);
        var measureTo = measureFrom + Ticks(duration);
        using var sampler = Sampler.Every(TimeSpan.FromMilliseconds(250), sample);

        async Task<(long Ok, long Failed, Latencies Latencies, string? Failure)> Client(int c)
        {
            var latencies = new Latencies(64 * 1024);
            long ok = 0, failed = 0;
            string? failure = null;
            for (var (t, n) = (c % targets.Count, 0L); n < MaxCommands / clients && !cancellationToken.IsCancellationRequested; n++, t = (t + clients) % targets.Count)
            {
                var before = Stopwatch.GetTimestamp();
                if (before >= measureTo)
                {
                    break;
                }

                var (status, detail) = await SendAsync(t, cancellationToken);
                var after = Stopwatch.GetTimestamp();
                if (before >= measureFrom && after <= measureTo)
                {
                    if (status == HttpStatusCode.OK)
                    {
                        ok++;
                        latencies.Add(after - before);
                    }
                    else
                    {
                        failed++;
                        failure ??= detail;
                    }
                }
            }

            return (ok, failed, latencies, failure);
        }

        var results = await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => Client(c), cancellationToken)));
        return new LoadResult(results.Sum(r => r.Ok), results.Sum(r => r.Failed), duration, Latencies.Merge(results.Select(r => r.Latencies)), results.Select(r => r.Failure).FirstOrDefault(f => f is not null));
    }

    /// <summary>
    /// Open loop at a fixed rate: commands are sent on schedule whether or not earlier ones have
    /// been answered (a dispatcher thread wakes every millisecond and sends what is due), so a slow
    /// answer cannot hold the load back. Latency is from the send to the answer.
    /// </summary>
    public async Task<LoadResult> FixedRateAsync(double perSecond, TimeSpan warmup, TimeSpan duration, Action? sample, CancellationToken cancellationToken)
    {
        var interval = Stopwatch.Frequency / perSecond;
        var start = Stopwatch.GetTimestamp();
        var measureFrom = start + Ticks(warmup);
        var measureTo = measureFrom + Ticks(duration);
        var latencies = new Latencies((int)Math.Min(perSecond * duration.TotalSeconds * 1.1, 4_000_000));
        long ok = 0, failed = 0, outstanding = 0, skipped = 0;
        string? failure = null;
        var gate = new object();
        var drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var dispatching = true;
        using var sampler = Sampler.Every(TimeSpan.FromMilliseconds(250), sample);

        async Task One(long i)
        {
            var t = (int)(i % targets.Count);
            var before = Stopwatch.GetTimestamp();
            var (status, detail) = await SendAsync(t, cancellationToken);
            var after = Stopwatch.GetTimestamp();
            lock (gate)
            {
                if (before >= measureFrom && before < measureTo)
                {
                    if (status == HttpStatusCode.OK)
                    {
                        ok++;
                        latencies.Add(after - before);
                    }
                    else
                    {
                        failed++;
                        failure ??= detail;
                    }
                }

                if (--outstanding == 0 && !dispatching)
                {
                    drained.TrySetResult();
                }
            }
        }

        void Dispatch()
        {
            for (long i = 0; i < MaxCommands && !cancellationToken.IsCancellationRequested;)
            {
                var now = Stopwatch.GetTimestamp();
                if (now >= measureTo)
                {
                    break;
                }

                for (; i < MaxCommands && start + (long)(i * interval) <= now; i++)
                {
                    lock (gate)
                    {
                        if (outstanding >= MaxOutstanding)
                        {
                            // The server cannot keep up: the command is dropped and counted as failed.
                            skipped++;
                            continue;
                        }

                        outstanding++;
                    }

                    _ = One(i);
                }

                Thread.Sleep(1);
            }

            lock (gate)
            {
                dispatching = false;
                if (outstanding == 0)
                {
                    drained.TrySetResult();
                }
            }
        }

        using (NoGcWindow.Start())
        {
            var dispatcher = new Thread(Dispatch) { IsBackground = true, Name = "load dispatcher" };
            dispatcher.Start();
            await drained.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
        }

        if (skipped > 0)
        {
            failed += skipped;
            failure ??= $"{skipped} commands not sent: {MaxOutstanding} were waiting for answers";
        }

        return new LoadResult(ok, failed, duration, latencies, failure);
    }

    private async Task<(HttpStatusCode Status, string? Failure)> SendAsync(int target, CancellationToken cancellationToken)
    {
        var (user, cart) = targets[target];
        var n = Interlocked.Increment(ref _sent[target]);
        try
        {
            // With keys, every command leaves an idempotency record behind (the soak's retention load).
            var key = idempotencyKeys ? $"{cart}-{n}" : null;
            var answer = await api.AddItemAsync(user, cart, n, readVersion: false, cancellationToken, key);
            return (answer.Status, answer.Status == HttpStatusCode.OK ? null : $"HTTP {(int)answer.Status}");
        }
        catch (HttpRequestException error)
        {
            return (0, error.Message);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (0, "timed out");
        }
    }

    private static long Ticks(TimeSpan t) => (long)(t.TotalSeconds * Stopwatch.Frequency);
}

/// <summary>Calls an action on a timer while a load runs (the server's working set, for one).</summary>
internal sealed class Sampler : IDisposable
{
    private readonly Timer? _timer;

    private Sampler(TimeSpan every, Action? sample) =>
        _timer = sample is null ? null : new Timer(_ => sample(), null, TimeSpan.Zero, every);

    public static Sampler Every(TimeSpan every, Action? sample) => new(every, sample);

    public void Dispose() => _timer?.Dispose();
}
