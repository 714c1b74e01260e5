using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace CartOrders.Bench.Server;

/// <summary>
/// The soak: the real server under a steady mixed load for a long while (10 minutes by default):
/// add-item commands at a fixed rate (the HTTP part's open loop, one 30 s window after another),
/// reads of single carts and of cart lists from a few paced readers, and SignalR subscribers
/// joined to carts that the commands change. Every 30 s it prints the window's requests, errors,
/// p50/p99 latency, the server's working set and open handles, the database's size and its
/// idempotency records; at the end it compares the first and the last third of the run after the
/// warm-up and fails on more than 20% growth of memory, more than 10% growth of the handles other
/// than sockets, more sockets than the clients can hold open, more than
/// 0.1% errors, or more idempotency records than the retention lets live. Retention is on and
/// short: every command carries an Idempotency-Key, records are kept one minute and swept every
/// 10 s, so their number must level off while the load goes on. Bounded in time and in count, on
/// 127.0.0.1 only.
/// </summary>
internal static class SoakBench
{
    private const string Part = "soak";
    private const double CommandsPerSecond = 200;
    private const int Readers = 8;
    private static readonly TimeSpan s_readPause = TimeSpan.FromMilliseconds(40);
    private const int Subscribers = 40;
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan s_sampleEvery = TimeSpan.FromSeconds(5);
    private const double MaxMemoryGrowth = 0.20;
    private const double MaxHandleGrowth = 0.10;
    private const double MaxErrorRate = 0.001;
    private static readonly TimeSpan s_retention = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_sweepEvery = TimeSpan.FromSeconds(10);

    /// <summary>The load generator's connection cap: the server's sockets can never honestly exceed it plus the subscribers' and its listener.</summary>
    private const int Connections = 256;

    private sealed record Sample(TimeSpan At, long WorkingSet, int Handles, int Sockets, long DatabaseBytes, long IdempotencyRecords)
    {
        /// <summary>Files, pipes and event handles: what the server opens for itself, whatever the clients do.</summary>
        public int OwnHandles => Handles - Sockets;
    }

    public static async Task RunAsync(BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        var duration = options.Soak;
        Console.WriteLine($"== soak: {duration.TotalMinutes:0.#} min of {CommandsPerSecond:0} commands/s, {Readers} readers (about {Readers * 1000 / s_readPause.TotalMilliseconds:0} reads/s), {Subscribers} SignalR subscribers");
        Console.WriteLine($"   retention: idempotency records kept {s_retention.TotalMinutes:0} min (Sqlite:IdempotencyRetention), swept every {s_sweepEvery.TotalSeconds:0} s (Sqlite:SweepInterval)");
        var launch = new ServerLaunch
        {
            Settings = new Dictionary<string, string>
            {
                ["Sqlite__IdempotencyRetention"] = s_retention.ToString("c", CultureInfo.InvariantCulture),
                ["Sqlite__SweepInterval"] = s_sweepEvery.ToString("c", CultureInfo.InvariantCulture),
            },
        };
        using var server = await ServerProcess.StartAsync(options.ServerDll, cancellationToken, launch);
        report.ServerBuild ??= Machine.DescribeBuild(options.ServerDll);
        using var api = new ApiClient(server.BaseAddress, connections: Connections);

        // Enough carts that none fills up (40 products x 99 units each) however long the soak.
        var carts = Math.Max(400, (int)Math.Ceiling(CommandsPerSecond * duration.TotalSeconds / 3_000));
        var fleet = await Fleet.CreateAsync(api, "soak", users: carts / 2, cartsPerUser: 2, cancellationToken);
        var load = new CommandLoad(api, fleet, idempotencyKeys: true);
        var watchers = new List<CartWatcher>();
        try
        {
            for (var s = 0; s < Subscribers; s++)
            {
                var (user, cart) = fleet[s * (fleet.Count / Subscribers)];
                var watcher = await CartWatcher.ConnectAsync(server.BaseAddress, user, cancellationToken);
                watchers.Add(watcher);
                await api.SubscribeAsync(user, cart, watcher.ConnectionId, cancellationToken);
            }

            var samples = new List<Sample>();
            var clock = Stopwatch.StartNew();
            using var sampler = new Timer(_ => Record(samples, clock, server), null, TimeSpan.Zero, s_sampleEvery);
            using var stopReads = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var reads = new ReadLoad(api, fleet);
            var readers = Enumerable.Range(0, Readers).Select(r => Task.Run(() => reads.RunAsync(r, s_readPause, duration + s_window, stopReads.Token), CancellationToken.None)).ToList();

            Console.WriteLine("     time  requests  errors  commands p50/p99     reads p50/p99         working set  handles (sockets)  pushes  database  idem. records");
            long requests = 0, errors = 0, pushesBefore = 0;
            string? firstError = null;
            while (clock.Elapsed < duration && !server.HasExited)
            {
                var window = duration - clock.Elapsed < s_window ? duration - clock.Elapsed : s_window;
                var commands = await load.FixedRateAsync(CommandsPerSecond, TimeSpan.Zero, window, null, cancellationToken);
                var read = reads.TakeWindow();
                var pushes = watchers.Sum(w => w.Received);
                var windowRequests = commands.Ok + commands.Failed + read.Ok + read.Failed;
                var windowErrors = commands.Failed + read.Failed;
                requests += windowRequests;
                errors += windowErrors;
                firstError ??= commands.FirstFailure ?? read.FirstFailure;
                Console.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"   {clock.Elapsed:mm\\:ss}  {windowRequests,8:N0}  {windowErrors,6:N0}  {Latencies.Ms(commands.Latencies.P50),8} / {Latencies.Ms(commands.Latencies.P99),-8}  {Latencies.Ms(read.Latencies.P50),8} / {Latencies.Ms(read.Latencies.P99),-8}  {Format.Mb(server.WorkingSetBytes()),8}  {server.OpenHandles(),7} ({server.OpenSockets(),7})  {pushes - pushesBefore,6:N0}  {Format.Mb(DatabaseBytes(server)),8}  {IdempotencyRecords(server),13:N0}"));
                pushesBefore = pushes;
            }

            await stopReads.CancelAsync();
            await Task.WhenAll(readers);
            if (server.HasExited)
            {
                throw new InvalidOperationException($"the server stopped during the soak:{Environment.NewLine}{server.LogTail()}");
            }

            Verdict(report, duration, samples, requests, errors, firstError, watchers.Sum(w => w.Received), watchers.Count(w => w.IsConnected));
        }
        finally
        {
            foreach (var watcher in watchers)
            {
                await watcher.DisposeAsync();
            }
        }
    }

    private static void Record(List<Sample> samples, Stopwatch clock, ServerProcess server)
    {
        if (server.HasExited)
        {
            return;
        }

        var handles = server.OpenHandles();
        var sample = new Sample(clock.Elapsed, server.WorkingSetBytes(), handles, Math.Min(handles, server.OpenSockets()), DatabaseBytes(server), IdempotencyRecords(server));
        lock (samples)
        {
            samples.Add(sample);
        }
    }

    private static void Verdict(Report report, TimeSpan duration, List<Sample> all, long requests, long errors, string? firstError, long pushes, int connected)
    {
        List<Sample> samples;
        lock (all)
        {
            samples = [.. all];
        }

        // After the warm-up (a fifth of the run, 30 s to 2 min), the first and the last third.
        var warmUp = TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds / 5, 30, 120));
        var measured = samples.Where(s => s.At >= warmUp).ToList();
        var third = (duration - warmUp) / 3;
        var first = measured.Where(s => s.At < warmUp + third).ToList();
        var last = measured.Where(s => s.At >= duration - third).ToList();
        if (first.Count == 0 || last.Count == 0)
        {
            report.Add(new ResultRow(Part, "memory and handles, first to last third after warm-up", "too short a run to compare", "growth ≤ 20% / 10%", false));
            return;
        }

        double Growth(Func<Sample, double> of) => (last.Average(of) / first.Average(of)) - 1;
        var memory = Growth(s => s.WorkingSet);
        var handles = Growth(s => s.OwnHandles);
        var mostSockets = samples.Max(s => s.Sockets);
        var socketBound = Connections + Subscribers + 16;
        var errorRate = requests == 0 ? 1 : (double)errors / requests;
        report.Add(new ResultRow(Part, $"requests in {duration.TotalMinutes:0.#} min (commands, reads), errors", $"{Format.Count(requests)}, {Format.Count(errors)} errors ({errorRate:P3}){(firstError is null ? string.Empty : $", first: {firstError}")}", "≤ 0.1% errors", errorRate <= MaxErrorRate));
        report.Add(new ResultRow(Part, $"SignalR subscribers still connected, pushes received", $"{connected} of {Subscribers}, {Format.Count(pushes)} pushes", $"{Subscribers} of {Subscribers}", connected == Subscribers && pushes > 0));
        report.Add(new ResultRow(
            Part,
            $"server working set, first third to last third after {warmUp.TotalSeconds:0} s warm-up",
            string.Create(CultureInfo.InvariantCulture, $"{Format.Mb((long)first.Average(s => s.WorkingSet))} -> {Format.Mb((long)last.Average(s => s.WorkingSet))} ({memory:+0.0%;-0.0%;0.0%})"),
            "growth ≤ 20%",
            memory <= MaxMemoryGrowth));
        report.Add(new ResultRow(
            Part,
            "server open handles other than sockets (/proc/<pid>/fd: files, pipes, event handles), first third to last third",
            string.Create(CultureInfo.InvariantCulture, $"{first.Average(s => s.OwnHandles):0} -> {last.Average(s => s.OwnHandles):0} ({handles:+0.0%;-0.0%;0.0%})"),
            "growth ≤ 10%",
            handles <= MaxHandleGrowth));

        // Sockets follow the clients: the load generator opens another keep-alive connection whenever
        // all of its connections wait (a slow moment), up to its cap, and keeps it. A leak would pass the cap.
        report.Add(new ResultRow(
            Part,
            $"server sockets, first third to last third and the most seen (load generator capped at {Connections} connections, {Subscribers} subscribers)",
            string.Create(CultureInfo.InvariantCulture, $"{first.Average(s => s.Sockets):0} -> {last.Average(s => s.Sockets):0} (at most {mostSockets})"),
            string.Create(CultureInfo.InvariantCulture, $"≤ {socketBound}"),
            mostSockets <= socketBound));
        // Records live their retention plus at most one sweep interval (and a sweep's own time): the
        // most that may exist at once is the command rate times that, with a quarter of headroom.
        var recordBound = (long)(CommandsPerSecond * (s_retention + s_sweepEvery).TotalSeconds * 1.25);
        var firstRecords = first.Where(s => s.IdempotencyRecords >= 0).Select(s => s.IdempotencyRecords).DefaultIfEmpty(-1).ToList();
        var lastRecords = last.Where(s => s.IdempotencyRecords >= 0).Select(s => s.IdempotencyRecords).DefaultIfEmpty(long.MaxValue).ToList();
        var mostRecords = lastRecords.Max();
        report.Add(new ResultRow(
            Part,
            $"idempotency records, first third to last third (every command keyed; kept {s_retention.TotalMinutes:0} min, swept every {s_sweepEvery.TotalSeconds:0} s)",
            string.Create(CultureInfo.InvariantCulture, $"{firstRecords.Average():N0} -> {lastRecords.Average():N0} (at most {mostRecords:N0})"),
            string.Create(CultureInfo.InvariantCulture, $"≤ {recordBound:N0}"),
            mostRecords <= recordBound));
        var minutes = (last.Average(s => s.At.TotalMinutes) - first.Average(s => s.At.TotalMinutes));
        report.Add(new ResultRow(
            Part,
            "database file with its WAL, first third to last third (events are history and stay)",
            string.Create(CultureInfo.InvariantCulture, $"{Format.Mb((long)first.Average(s => s.DatabaseBytes))} -> {Format.Mb((long)last.Average(s => s.DatabaseBytes))} ({(last.Average(s => s.DatabaseBytes) - first.Average(s => s.DatabaseBytes)) / (1024.0 * 1024.0) / minutes:0.0} MB/min)"),
            "(figure)"));
        var passed = memory <= MaxMemoryGrowth && handles <= MaxHandleGrowth && mostSockets <= socketBound && errorRate <= MaxErrorRate && connected == Subscribers && mostRecords <= recordBound;
        Console.WriteLine($"   verdict: {(passed ? "PASS" : "FAIL")}");
        if (!passed)
        {
            throw new InvalidOperationException("the soak failed its verdict (see the table)");
        }
    }

    private static long DatabaseBytes(ServerProcess server) =>
        new[] { server.DatabasePath, server.DatabasePath + "-wal" }.Sum(f => File.Exists(f) ? new FileInfo(f).Length : 0);

    /// <summary>The idempotency records in the server's database, read through a read-only connection of its own.</summary>
    private static long IdempotencyRecords(ServerProcess server)
    {
        try
        {
            using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={server.DatabasePath};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var count = connection.CreateCommand();
            count.CommandText = "SELECT COUNT(*) FROM idempotency";
            return Convert.ToInt64(count.ExecuteScalar(), CultureInfo.InvariantCulture);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // Busy or not created yet: this sample says nothing.
            return -1;
        }
    }

    /// <summary>Paced readers: a single cart (read-your-writes, from the events) and the user's cart list (from the views), in turn.</summary>
    private sealed class ReadLoad(ApiClient api, IReadOnlyList<(BenchUser User, string Cart)> targets)
    {
        private const long MaxReadsPerReader = 10_000_000;
        private readonly object _gate = new();
        private Latencies _latencies = new();
        private long _ok;
        private long _failed;
        private string? _firstFailure;

        public async Task RunAsync(int reader, TimeSpan pause, TimeSpan limit, CancellationToken cancellationToken)
        {
            var clock = Stopwatch.StartNew();
            var random = new Random(reader);
            for (long n = 0; n < MaxReadsPerReader && clock.Elapsed < limit && !cancellationToken.IsCancellationRequested; n++)
            {
                var (user, cart) = targets[random.Next(targets.Count)];
                var path = n % 2 == 0 ? $"/api/carts/{cart}" : "/api/carts";
                var start = Stopwatch.GetTimestamp();
                string? failure;
                try
                {
                    var answer = await api.SendAsync(HttpMethod.Get, path, user, cancellationToken: cancellationToken);
                    failure = answer.Status == HttpStatusCode.OK ? null : $"GET {path}: HTTP {(int)answer.Status}";
                }
                catch (HttpRequestException error)
                {
                    failure = error.Message;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                lock (_gate)
                {
                    if (failure is null)
                    {
                        _ok++;
                        _latencies.AddSince(start);
                    }
                    else
                    {
                        _failed++;
                        _firstFailure ??= failure;
                    }
                }

                try
                {
                    await Task.Delay(pause, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        public (long Ok, long Failed, Latencies Latencies, string? FirstFailure) TakeWindow()
        {
            lock (_gate)
            {
                var window = (_ok, _failed, _latencies, _firstFailure);
                (_ok, _failed, _latencies, _firstFailure) = (0, 0, new Latencies(), null);
                return window;
            }
        }
    }
}
