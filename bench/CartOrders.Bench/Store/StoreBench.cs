using CartOrders.Storage.Sqlite;
using JasperFx.Events;

namespace CartOrders.Bench.Store;

/// <summary>
/// Part 1: append throughput and latency of the embedded store against Marten on PostgreSQL,
/// same machine, same run, same event and the same closed-loop writers: one hot stream with one
/// writer, then 1,000 streams with 8 concurrent writers.
/// </summary>
internal static class StoreBench
{
    private const string Part = "1 append";
    private static readonly TimeSpan s_warmup = TimeSpan.FromSeconds(2);

    /// <summary>How long the disk's syncs are timed on each side of the load the ceiling is set against.</summary>
    private static readonly TimeSpan s_ceilingSyncs = TimeSpan.FromSeconds(2);

    private sealed record Scenario(string Label, string Prefix, int Streams, int Writers);

    private static readonly Scenario s_hot = new("1 stream, 1 writer", "hot", 1, 1);
    private static readonly Scenario s_spread = new("1,000 streams, 8 writers", "cart", 1_000, 8);
    private static readonly EventAppendMode[] s_martenModes = [EventAppendMode.Rich, EventAppendMode.Quick];

    public static async Task RunAsync(BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        Console.WriteLine($"== part 1: appends, embedded store against Marten ({BenchEvent.Json.Length}-byte {BenchEvent.Type} events)");
        var embedded = new Dictionary<Scenario, AppendRun>();
        await using (var target = new EmbeddedTarget())
        {
            foreach (var scenario in new[] { s_hot, s_spread })
            {
                embedded[scenario] = await MeasureAsync(target, scenario, options, report, cancellationToken);
            }
        }

        await using (var relaxed = new EmbeddedTarget(SqliteDurability.Normal))
        {
            await MeasureAsync(relaxed, s_spread, options, report, cancellationToken);
        }

        if (options.NoPeer)
        {
            return;
        }

        if (!PostgresServer.IsInstalled)
        {
            report.Note($"Marten was not measured: PostgreSQL 15 is not installed ({PostgresServer.Binaries}/initdb missing; bench/run.sh installs postgresql-15).");
            return;
        }

        var marten = new Dictionary<(EventAppendMode, Scenario), AppendRun>();
        using (var postgres = await PostgresServer.StartAsync(cancellationToken))
        {
            Console.WriteLine($"   {postgres.Version} on 127.0.0.1:{postgres.Port}, default settings (fsync on)");
            foreach (var mode in s_martenModes)
            {
                await using var target = await MartenTarget.CreateAsync(postgres.ConnectionString, mode, cancellationToken);
                foreach (var scenario in new[] { s_hot, s_spread })
                {
                    // Each mode gets its own streams: Marten's two modes share the tables.
                    marten[(mode, scenario)] = await MeasureAsync(target, scenario with { Prefix = $"{scenario.Prefix}-{mode}" }, options, report, cancellationToken);
                }
            }
        }

        // The target is set against Marten as it comes (Rich appends); its Quick mode is the
        // faster peer, so its ratio is printed too.
        foreach (var scenario in new[] { s_hot, s_spread })
        {
            foreach (var mode in s_martenModes)
            {
                var ratio = embedded[scenario].PerSecond / marten[(mode, scenario)].PerSecond;
                var (goal, met) = mode == EventAppendMode.Rich && scenario == s_spread ? ("≥ 5x", ratio >= 5) : (string.Empty, (bool?)null);
                report.Add(new ResultRow(Part, $"ratio embedded / Marten {ModeName(mode)}, {scenario.Label}", Format.Ratio(ratio), goal, met));
            }
        }
    }

    public static string ModeName(EventAppendMode mode) => mode == EventAppendMode.Rich ? "default (Rich append)" : $"{mode} append";

    private static async Task<AppendRun> MeasureAsync(IAppendTarget target, Scenario scenario, BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        Console.WriteLine($"   {target.Name}, {scenario.Label}: {options.Duration.TotalSeconds:0} s after {s_warmup.TotalSeconds:0} s warm-up");
        var isCeilingTarget = scenario == s_spread && target is EmbeddedTarget { Durability: SqliteDurability.Full };

        // The disk's sync rate drifts by tens of percent within minutes: the ceiling is taken from
        // syncs measured right before and right after this load, not from the run's first seconds.
        var syncsBefore = isCeilingTarget ? Calibration.MeasureDiskSync(s_ceilingSyncs).PerSecond : double.NaN;
        var run = await AppendLoad.RunAsync(target, scenario.Prefix, scenario.Streams, scenario.Writers, s_warmup, options.Duration, cancellationToken);
        Console.WriteLine($"     {run.CpuMicrosecondsPerAppend:0} µs of bench-process CPU per append{(double.IsNaN(run.WritesPerCommit) ? string.Empty : $", {run.WritesPerCommit:0.0} appends per commit")}");
        report.Add(new ResultRow(Part, $"{target.Name}, {scenario.Label}", $"{Format.Rate(run.PerSecond, "events")}; {run.Latencies.Summary()}"));
        if (isCeilingTarget && !double.IsNaN(run.WritesPerCommit))
        {
            // No store can commit more often than the disk syncs; grouping is what lifts the ceiling.
            var syncsAfter = Calibration.MeasureDiskSync(s_ceilingSyncs).PerSecond;
            var syncs = (syncsBefore + syncsAfter) / 2;
            var ceiling = syncs * run.WritesPerCommit;
            report.Add(new ResultRow(
                Part,
                $"{scenario.Label} against the group-commit ceiling (disk sync rate {Format.Rate(syncs, "syncs")}, the mean of {syncsBefore:N0} right before and {syncsAfter:N0} right after this load, x {run.WritesPerCommit:0.0} appends per commit = {Format.Rate(ceiling, "events")})",
                $"{run.PerSecond / ceiling:P0}",
                "≥ 75%",
                run.PerSecond >= 0.75 * ceiling));
        }

        return run;
    }
}
