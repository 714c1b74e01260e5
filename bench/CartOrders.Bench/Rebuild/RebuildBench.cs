using System.Diagnostics;
using CartOrders.Application.Commands;
using CartOrders.Application.Feed;
using CartOrders.Application.Projections;
using CartOrders.Application.Rebuilds;
using CartOrders.Domain.Carts;
using CartOrders.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Bench.Rebuild;

/// <summary>
/// Part 4: how fast the views are rebuilt from the whole feed, and what loading a long cart costs.
/// The history is 100 events per cart, appended 10 at a time with a snapshot as the command
/// handler does, with 100 carts active at once (their appends interleave in the feed).
/// </summary>
internal static class RebuildBench
{
    private const string Part = "4 projections";
    private const int EventsPerCart = 100;
    private const int EventsPerAppend = 10;
    private const int ActiveCarts = 100;
    private const int LongCartEvents = 10_000;
    private const int LongCartAppend = 100;

    /// <summary>Alternating rounds of the feed read, the rebuild and the blue/green rebuild; each ratio is their median.</summary>
    private const int Rounds = 5;

    /// <summary>Feed batch size of the rebuild: large, since a rebuild has a backlog and no latency goal.</summary>
    public const int BatchSize = 10_000;

    public static async Task RunAsync(BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        var carts = options.RebuildCarts;
        var total = (long)carts * EventsPerCart;
        Console.WriteLine($"== part 4: projection rebuild from {Format.Count(total)} events, loading a {Format.Count(LongCartEvents)}-event cart");
        using var folder = new TempFolder("cartorders-bench-rebuild-");
        var path = folder.File("rebuild.db");

        // Writing the history is set-up, not the measurement: synchronous=NORMAL makes it quick.
        var writing = Stopwatch.StartNew();
        await using (var database = Open(path, SqliteDurability.Normal))
        {
            var history = new CartHistory(new SqliteEventStore(database));
            var at = DateTimeOffset.UtcNow;
            for (var first = 0; first < carts && !cancellationToken.IsCancellationRequested; first += ActiveCarts)
            {
                var wave = Enumerable.Range(first, Math.Min(ActiveCarts, carts - first)).ToList();
                for (var round = 0; round < EventsPerCart / EventsPerAppend; round++)
                {
                    await Task.WhenAll(wave.Select(cart => history.AppendAsync(cart, EventsPerAppend, at, cancellationToken)));
                }
            }

            for (var written = 0; written < LongCartEvents; written += LongCartAppend)
            {
                await history.AppendAsync(-1, LongCartAppend, at, cancellationToken);
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Console.WriteLine($"   wrote {Format.Count(total + LongCartEvents)} events in {Format.Seconds(writing.Elapsed)} ({new FileInfo(path).Length / (1024 * 1024)} MB file)");

        await using (var database = Open(path, SqliteDurability.Full))
        {
            var events = new SqliteEventStore(database);
            var counting = new CountingEventStore(events);
            await MeasureAgainstScanAsync(database, events, counting, total + LongCartEvents, report, cancellationToken);
            await MeasureLongCartAsync(counting, report, cancellationToken);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await UpcastCost.RunAsync(options, report, cancellationToken);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    /// <summary>
    /// The feed read with no handling (the ceiling of any rebuild), the projector over the whole feed,
    /// and the blue/green rebuild a running server does, in alternating rounds: the machine's speed
    /// drifts by tens of percent within a minute, so each ratio is the median of the rounds' own
    /// ratios, each round's three measurements taken back to back. One of each first, not counted,
    /// pays for JIT compilation and cold caches.
    /// </summary>
    private static async Task MeasureAgainstScanAsync(SqliteDatabase database, SqliteEventStore events, CountingEventStore counting, long total, Report report, CancellationToken cancellationToken)
    {
        var rebuild = new PumpRebuild(database, events, counting, total);
        var blueGreen = new BlueGreenRebuild(database, events, counting);
        await MeasureFeedScanAsync(events, cancellationToken);
        await rebuild.RunAsync(cancellationToken);
        await blueGreen.RunAsync(cancellationToken);

        var rounds = new List<(Run Scan, Run Rebuild, Run BlueGreen)>();
        for (var round = 1; round <= Rounds && !cancellationToken.IsCancellationRequested; round++)
        {
            var scan = await MeasureFeedScanAsync(events, cancellationToken);
            var projected = await rebuild.RunAsync(cancellationToken);
            var swapped = await blueGreen.RunAsync(cancellationToken);
            rounds.Add((scan, projected, swapped));
            Console.WriteLine(
                $"     round {round}: read {Format.Rate(scan.Rate, "events")} ({scan.CpuPerEvent:0.00} µs CPU/event), rebuild {Format.Rate(projected.Rate, "events")} ({projected.CpuPerEvent:0.0} µs, {projected.Cores:0.00} cores, GC paused {projected.GcPause.TotalMilliseconds:0} ms) = {projected.Rate / scan.Rate:P0}, blue/green {Format.Rate(swapped.Rate, "events")} = {swapped.Rate / scan.Rate:P0}");
        }

        if (rounds.Count == 0)
        {
            return;
        }

        var scans = rounds.Select(r => r.Scan).ToList();
        var rebuilds = rounds.Select(r => r.Rebuild).ToList();
        var blueGreens = rounds.Select(r => r.BlueGreen).ToList();
        report.Add(new ResultRow(Part, "read the whole feed, no handling (the ceiling of a rebuild)", $"{Format.Rate(Statistics.Median(scans.Select(r => r.Rate)), "events")} (median of {rounds.Count} rounds: {Rates(scans)}; {Statistics.Median(scans.Select(r => r.CpuPerEvent)):0.00} µs of CPU per event)"));
        report.Add(new ResultRow(
            Part,
            $"rebuild all views from {Format.Count(rebuilds[0].Events)} events (batches of {Format.Count(BatchSize)})",
            $"{Format.Rate(Statistics.Median(rebuilds.Select(r => r.Rate)), "events")} (median: {Rates(rebuilds)}; {Format.Count(rebuilds[0].Batches)} batches, {Format.Count(rebuilds[0].Pushes)} pushes; {Statistics.Median(rebuilds.Select(r => r.CpuPerEvent)):0.0} µs of CPU per event)"));
        var rebuildRatios = rounds.Select(r => r.Rebuild.Rate / r.Scan.Rate).ToList();
        report.Add(new ResultRow(Part, "projector over the feed against the feed read with no handling, same rounds", $"{Statistics.Median(rebuildRatios):P0} (median of {Ratios(rebuildRatios)})"));
        report.Add(new ResultRow(
            Part,
            $"blue/green rebuild: a new generation from {Format.Count(blueGreens[0].Events)} events beside the live views, then swapped in (batches of {Format.Count(BatchSize)})",
            $"{Format.Rate(Statistics.Median(blueGreens.Select(r => r.Rate)), "events")} (median: {Rates(blueGreens)})"));
        var blueGreenRatios = rounds.Select(r => r.BlueGreen.Rate / r.Scan.Rate).ToList();
        var ratio = Statistics.Median(blueGreenRatios);
        report.Add(new ResultRow(Part, "blue/green rebuild against the feed read with no handling, same rounds", $"{ratio:P0} (median of {Ratios(blueGreenRatios)})", "≥ 70%", ratio >= 0.7));
    }

    private static string Rates(IEnumerable<Run> runs) => string.Join(", ", runs.Select(r => Format.Count((long)r.Rate)));

    private static string Ratios(IEnumerable<double> ratios) => string.Join(", ", ratios.Select(r => r.ToString("P0", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>One measured pass over the feed: events, elapsed time and the process's CPU time in it.</summary>
    private sealed record Run(long Events, TimeSpan Elapsed, TimeSpan Cpu, TimeSpan GcPause, int Batches = 0, long Pushes = 0)
    {
        public double Rate => Events / Elapsed.TotalSeconds;

        public double CpuPerEvent => Cpu.TotalMicroseconds / Math.Max(1, Events);

        public double Cores => Cpu.TotalSeconds / Elapsed.TotalSeconds;

        public static async Task<Run> MeasureAsync(Func<Task<(long Events, int Batches, long Pushes)>> pass)
        {
            var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            var pausedAtStart = GC.GetTotalPauseDuration();
            var clock = Stopwatch.StartNew();
            var (events, batches, pushes) = await pass();
            return new Run(events, clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart, GC.GetTotalPauseDuration() - pausedAtStart, batches, pushes);
        }
    }

    /// <summary>The feed read alone, without handling: the ceiling of any rebuild.</summary>
    private static Task<Run> MeasureFeedScanAsync(SqliteEventStore feed, CancellationToken cancellationToken) =>
        Run.MeasureAsync(async () =>
        {
            long read = 0;
            string? checkpoint = null;
            for (var batch = await feed.ReadAsync(checkpoint, BatchSize, cancellationToken); batch.Events.Count > 0; batch = await feed.ReadAsync(checkpoint, BatchSize, cancellationToken))
            {
                read += batch.Events.Count;
                checkpoint = batch.Checkpoint;
            }

            return (read, 0, 0L);
        });

    /// <summary>Views cleared, then the projector over the whole feed through a feed pump.</summary>
    private sealed class PumpRebuild(SqliteDatabase database, SqliteEventStore events, CountingEventStore counting, long total)
    {
        private readonly SqliteViewStore _views = new(database);
        private readonly SqliteCheckpointStore _checkpoints = new(database);
        private readonly CountingNotifier _notifier = new();

        public async Task<Run> RunAsync(CancellationToken cancellationToken)
        {
            // A new projector each pass, so no pass starts with the states the one before remembered.
            var projector = new Projector(new StreamLoader(counting), _views, _notifier, NullLogger<Projector>.Instance);
            var pump = new FeedPump(events, _checkpoints, projector, new SqliteParkedEventStore(database), NullLogger<FeedPump>.Instance);
            return await Run.MeasureAsync(async () =>
            {
                var pushesBefore = _notifier.Pushes;
                await _views.ClearAsync(cancellationToken);
                await _checkpoints.SaveAsync(projector.Subscription, "0", cancellationToken);
                long handled = 0;
                var batches = 0;
                for (int n; handled <= total && (n = await pump.RunOnceAsync(BatchSize, cancellationToken)) > 0;)
                {
                    handled += n;
                    batches++;
                }

                return (handled, batches, _notifier.Pushes - pushesBefore);
            });
        }
    }

    /// <summary>
    /// The same feed through the blue/green path a running server takes: a new generation built
    /// beside the live views, its progress saved after each batch, then swapped in (the retired
    /// generation is dropped later, outside the measurement).
    /// </summary>
    private sealed class BlueGreenRebuild(SqliteDatabase database, SqliteEventStore events, CountingEventStore counting)
    {
        private readonly SqliteViewStore _views = new(database);

        public async Task<Run> RunAsync(CancellationToken cancellationToken)
        {
            var projector = new Projector(new StreamLoader(counting), _views, new CountingNotifier(), NullLogger<Projector>.Instance, _views);
            using var rebuilder = new ProjectionRebuilder(
                _views, events, new SqliteCheckpointStore(database), new SqliteParkedEventStore(database), projector, ProjectionDefinition.Views, TimeProvider.System, NullLoggerFactory.Instance)
            {
                BatchSize = BatchSize,
            };

            // Finishes what an earlier pass left (dropping the generation it retired) before the clock starts.
            await rebuilder.RunAsync(TimeSpan.Zero, cancellationToken);
            var live = (await _views.ReadAsync(cancellationToken)).Live;
            return await Run.MeasureAsync(async () =>
            {
                await rebuilder.StartAsync(cancellationToken);
                long handled = 0;
                while ((await _views.ReadAsync(cancellationToken)).Live == live && !cancellationToken.IsCancellationRequested)
                {
                    handled += await rebuilder.RunAsync(TimeSpan.FromMinutes(30), cancellationToken);
                }

                return (handled, 0, 0L);
            });
        }
    }

    private static async Task MeasureLongCartAsync(CountingEventStore counting, Report report, CancellationToken cancellationToken)
    {
        var loader = new StreamLoader(counting);
        var streamId = CartHistory.StreamId(-1);
        const int warmup = 100;
        const int loads = 2_000;
        var latencies = new Latencies(loads);
        long version = 0;
        var readBefore = counting.EventsRead;
        for (var i = 0; i < warmup + loads; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var loaded = await loader.LoadAsync(StreamTypes.Cart, streamId, cancellationToken: cancellationToken);
            if (i >= warmup)
            {
                latencies.AddSince(start);
            }

            version = loaded.Version;
        }

        var readPerLoad = (counting.EventsRead - readBefore) / (double)(warmup + loads);
        report.Add(new ResultRow(
            Part,
            $"load a {Format.Count(version)}-event cart (snapshot + tail)",
            $"{latencies.Summary()}; {readPerLoad:0} events read per load",
            "< 1 ms, not 10,000 reads",
            latencies.P99 < 1 && readPerLoad < LongCartEvents / 100.0));

        // The same load with snapshots ignored (another schema name): what the snapshot saves.
        var unsnapshotted = StreamTypes.Cart with { Schema = "Cart.bench-no-snapshot" };
        const int fullLoads = 5;
        var full = new Latencies(fullLoads);
        readBefore = counting.EventsRead;
        for (var i = 0; i < fullLoads; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await loader.LoadAsync(unsnapshotted, streamId, cancellationToken: cancellationToken);
            full.AddSince(start);
        }

        report.Add(new ResultRow(
            Part,
            "the same cart folded from all its events (no snapshot), for contrast",
            $"mean {Latencies.Ms(full.Mean)}; {(counting.EventsRead - readBefore) / fullLoads:N0} events read per load"));
    }

    private static SqliteDatabase Open(string path, SqliteDurability durability) =>
        new(Options.Create(new SqliteStoreOptions { Path = path, Durability = durability }), NullLogger<SqliteDatabase>.Instance);
}
