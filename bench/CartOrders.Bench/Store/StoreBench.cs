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

    private sealed record Scenario(string Label, string Prefix, int Streams, int Writers);

    private static readonly Scenario s_hot = new("1 stream, 1 writer", "hot", 1, 1);
    private static readonly Scenario s_spread = new("1,000 streams, 8 writers", "cart", 1_000, 8);

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

        if (!PostgresServer.IsInstalled)
        {
            report.Note($"Marten was not measured: PostgreSQL 15 is not installed ({PostgresServer.Binaries}/initdb missing; bench/run.sh installs postgresql-15).");
            return;
        }

        var marten = new Dictionary<Scenario, AppendRun>();
        using (var postgres = await PostgresServer.StartAsync(cancellationToken))
        {
            Console.WriteLine($"   {postgres.Version} on 127.0.0.1:{postgres.Port}, default settings (fsync on)");
            foreach (var mode in new[] { EventAppendMode.Rich, EventAppendMode.Quick })
            {
                await using var target = await MartenTarget.CreateAsync(postgres.ConnectionString, mode, cancellationToken);
                foreach (var scenario in new[] { s_hot, s_spread })
                {
                    // Each mode gets its own streams: Marten's two modes share the tables.
                    var run = await MeasureAsync(target, scenario with { Prefix = $"{scenario.Prefix}-{mode}" }, options, report, cancellationToken);
                    marten[scenario] = marten.TryGetValue(scenario, out var best) && best.PerSecond >= run.PerSecond ? best : run;
                }
            }
        }

        var hotRatio = embedded[s_hot].PerSecond / marten[s_hot].PerSecond;
        report.Add(new ResultRow(Part, $"ratio embedded / best Marten, {s_hot.Label}", Format.Ratio(hotRatio)));
        var spreadRatio = embedded[s_spread].PerSecond / marten[s_spread].PerSecond;
        report.Add(new ResultRow(Part, $"ratio embedded / best Marten, {s_spread.Label}", Format.Ratio(spreadRatio), "≥ 10x", spreadRatio >= 10));
    }

    private static async Task<AppendRun> MeasureAsync(IAppendTarget target, Scenario scenario, BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        Console.WriteLine($"   {target.Name}, {scenario.Label}: {options.Duration.TotalSeconds:0} s after {s_warmup.TotalSeconds:0} s warm-up");
        var run = await AppendLoad.RunAsync(target, scenario.Prefix, scenario.Streams, scenario.Writers, s_warmup, options.Duration, cancellationToken);
        var isProductDefault = target is EmbeddedTarget && target.Name.Contains("fsync", StringComparison.Ordinal);
        var (goal, met) = isProductDefault && scenario == s_spread ? ("p99 < 2 ms", run.Latencies.P99 < 2) : (string.Empty, (bool?)null);
        report.Add(new ResultRow(
            Part,
            $"{target.Name}, {scenario.Label}",
            $"{Format.Rate(run.PerSecond, "events")}; {run.Latencies.Summary()}",
            goal,
            met));
        return run;
    }
}
