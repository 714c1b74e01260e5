namespace CartOrders.Bench.Server;

/// <summary>
/// CPU per add-item command in the server process, this build against a baseline build (the code
/// before a change), measured in alternating runs on the same machine in one bench run, so a
/// slower or busier machine moves both alike and the ratio holds. Without a baseline it measures
/// this build alone.
/// </summary>
internal static class CpuBench
{
    private const string Part = "2 HTTP";
    private const double Rate = 1_000;
    private const int Rounds = 3;

    public static async Task RunAsync(BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        var builds = options.BaselineDll is { } baseline
            ? new[] { ("baseline", baseline), ("this build", options.ServerDll) }
            : [("this build", options.ServerDll)];
        Console.WriteLine($"== CPU per add-item command at {Rate:N0} commands/s, {string.Join(" against ", builds.Select(b => b.Item1))}, {Rounds} alternating rounds");
        report.ServerBuild ??= Machine.DescribeBuild(options.ServerDll);
        var samples = builds.ToDictionary(b => b.Item1, _ => new List<double>());
        for (var round = 1; round <= Rounds; round++)
        {
            foreach (var (label, dll) in builds)
            {
                var cpu = await MeasureAsync(dll, options, cancellationToken);
                Console.WriteLine($"   round {round}, {label}: {cpu.Describe()}");
                samples[label].Add(cpu.ServerMicroseconds);
            }
        }

        var mine = Statistics.Median(samples["this build"]);
        report.Add(new ResultRow(Part, $"server CPU per add-item command at {Rate:N0} commands/s, this build (median of {Rounds} runs)", $"{mine:0} µs"));
        if (options.BaselineDll is { } dllOfBaseline)
        {
            var before = Statistics.Median(samples["baseline"]);
            report.Add(new ResultRow(Part, $"server CPU per add-item command, baseline {Machine.DescribeBuild(dllOfBaseline)} (median of {Rounds} runs, alternating)", $"{before:0} µs"));
            report.Add(new ResultRow(Part, "CPU per command, this build / baseline", Format.Ratio(mine / before), "≤ 0.5x", mine / before <= 0.5));
        }
    }

    private static async Task<CpuPerCommand> MeasureAsync(string dll, BenchOptions options, CancellationToken cancellationToken)
    {
        using var server = await ServerProcess.StartAsync(dll, cancellationToken);
        using var api = new ApiClient(server.BaseAddress, connections: 256);
        var load = new CommandLoad(api, await Fleet.CreateAsync(api, "cpu", users: 200, cartsPerUser: 2, cancellationToken));
        await load.WarmUpAsync(options, server, cancellationToken);
        await HttpBench.CaughtUpAsync(api, cancellationToken);
        var warmup = TimeSpan.FromSeconds(1);
        var meter = CpuMeter.Start(server);
        var result = await load.FixedRateAsync(Rate, warmup, options.Duration, null, cancellationToken);
        if (result.Failed > 0)
        {
            throw new InvalidOperationException($"{result.Failed} commands failed on {dll}: {result.FirstFailure}");
        }

        return meter.PerCommand(result.Ok, options.Duration / (warmup + options.Duration));
    }

}
