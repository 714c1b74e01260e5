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
            var scan = await MeasureFeedScanAsync(events, report, cancellationToken);
            var rebuild = await MeasureRebuildAsync(database, events, counting, total + LongCartEvents, report, cancellationToken);
            report.Add(new ResultRow(Part, "projector over the feed against the feed read with no handling, same run", $"{rebuild / scan:P0}"));
            var blueGreen = await MeasureBlueGreenAsync(database, events, counting, report, cancellationToken);
            report.Add(new ResultRow(Part, "blue/green rebuild against the feed read with no handling, same run", $"{blueGreen / scan:P0}", "≥ 70%", blueGreen >= 0.7 * scan));
            await MeasureLongCartAsync(counting, report, cancellationToken);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await UpcastCost.RunAsync(options, report, cancellationToken);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }

    /// <summary>The feed read alone, without handling: the ceiling of any rebuild.</summary>
    private static async Task<double> MeasureFeedScanAsync(SqliteEventStore feed, Report report, CancellationToken cancellationToken)
    {
        var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long read = 0;
        string? checkpoint = null;
        for (var batch = await feed.ReadAsync(checkpoint, BatchSize, cancellationToken); batch.Events.Count > 0; batch = await feed.ReadAsync(checkpoint, BatchSize, cancellationToken))
        {
            read += batch.Events.Count;
            checkpoint = batch.Checkpoint;
        }

        Console.WriteLine($"     {(Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalMicroseconds / Math.Max(1, read):0.00} µs of CPU per event");
        var rate = read / clock.Elapsed.TotalSeconds;
        report.Add(new ResultRow(Part, "read the whole feed, no handling (the ceiling of a rebuild)", $"{Format.Rate(rate, "events")} ({Format.Seconds(clock.Elapsed)})"));
        return rate;
    }

    /// <summary>
    /// Views cleared, then the projector over the whole feed through a feed pump. Run twice: the
    /// first run in a fresh process pays for JIT compilation and cold caches; the second is what a
    /// running server would see, and is the figure held against the target.
    /// </summary>
    private static async Task<double> MeasureRebuildAsync(SqliteDatabase database, SqliteEventStore events, CountingEventStore counting, long total, Report report, CancellationToken cancellationToken)
    {
        var views = new SqliteViewStore(database);
        var checkpoints = new SqliteCheckpointStore(database);
        var notifier = new CountingNotifier();
        var projector = new Projector(new StreamLoader(counting), views, notifier, NullLogger<Projector>.Instance);
        var pump = new FeedPump(events, checkpoints, projector, new SqliteParkedEventStore(database), NullLogger<FeedPump>.Instance);

        async Task<(long Events, int Batches, long ViewWrites, TimeSpan Elapsed, TimeSpan Cpu)> Rebuild()
        {
            var pushesBefore = notifier.Pushes;
            var cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await views.ClearAsync(cancellationToken);
            await checkpoints.SaveAsync(projector.Subscription, "0", cancellationToken);
            long handled = 0;
            var batches = 0;
            for (int n; handled <= total && (n = await pump.RunOnceAsync(BatchSize, cancellationToken)) > 0;)
            {
                handled += n;
                batches++;
            }

            return (handled, batches, notifier.Pushes - pushesBefore, clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart);
        }

        var cold = await Rebuild();
        var warm = await Rebuild();
        Console.WriteLine($"     {warm.Cpu.TotalMicroseconds / Math.Max(1, warm.Events):0.0} µs of CPU per event ({warm.Cpu.TotalSeconds / warm.Elapsed.TotalSeconds:0.00} cores busy)");
        var rate = warm.Events / warm.Elapsed.TotalSeconds;
        report.Add(new ResultRow(
            Part,
            $"rebuild all views from {Format.Count(warm.Events)} events (batches of {Format.Count(BatchSize)})",
            $"{Format.Rate(rate, "events")} ({Format.Seconds(warm.Elapsed)}, {Format.Count(warm.Batches)} batches, {Format.Count(warm.ViewWrites)} view writes; {warm.Cpu.TotalMicroseconds / Math.Max(1, warm.Events):0.0} µs of CPU per event; first run in the process {Format.Rate(cold.Events / cold.Elapsed.TotalSeconds, "events")})"));
        return rate;
    }

    /// <summary>
    /// The same feed through the blue/green path a running server takes: a new generation built
    /// beside the live views, its progress saved after each batch, then swapped in (the retired
    /// generation is dropped later, outside the measurement).
    /// </summary>
    private static async Task<double> MeasureBlueGreenAsync(SqliteDatabase database, SqliteEventStore events, CountingEventStore counting, Report report, CancellationToken cancellationToken)
    {
        var views = new SqliteViewStore(database);
        var projector = new Projector(new StreamLoader(counting), views, new CountingNotifier(), NullLogger<Projector>.Instance, views);
        using var rebuilder = new ProjectionRebuilder(
            views, events, new SqliteCheckpointStore(database), new SqliteParkedEventStore(database), projector, ProjectionDefinition.Views, TimeProvider.System, NullLoggerFactory.Instance)
        {
            BatchSize = BatchSize,
        };
        await rebuilder.RunAsync(TimeSpan.Zero, cancellationToken);
        var live = (await views.ReadAsync(cancellationToken)).Live;
        var clock = Stopwatch.StartNew();
        await rebuilder.StartAsync(cancellationToken);
        long handled = 0;
        while ((await views.ReadAsync(cancellationToken)).Live == live && !cancellationToken.IsCancellationRequested)
        {
            handled += await rebuilder.RunAsync(TimeSpan.FromMinutes(30), cancellationToken);
        }

        var rate = handled / clock.Elapsed.TotalSeconds;
        report.Add(new ResultRow(
            Part,
            $"blue/green rebuild: a new generation from {Format.Count(handled)} events beside the live views, then swapped in (batches of {Format.Count(BatchSize)})",
            $"{Format.Rate(rate, "events")} ({Format.Seconds(clock.Elapsed)})"));
        return rate;
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
