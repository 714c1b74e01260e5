namespace CartOrders.Bench.Server;

/// <summary>
/// Part 2: add-item commands through the real local server over HTTP, from this process (a
/// separate load process): the most it serves with many concurrent clients, the tail latency in an
/// open loop at a share of that rate (the target, a ratio any machine can check in one run), the
/// server's CPU per command, the latency at a fixed 1,000 commands/s, and the highest fixed rate
/// whose p99 stays under 10 ms.
/// </summary>
internal static class HttpBench
{
    private const string Part = "2 HTTP";
    private const int Clients = 64;
    private static readonly double[] s_steps = [500, 750, 1_000, 1_250, 1_500, 1_750, 2_000, 2_500, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 10_000];
    private static readonly TimeSpan s_closedLoopWarmup = TimeSpan.FromSeconds(2);

    /// <summary>The open-loop rate held to the tail-latency targets, as a share of the most the server serves in the same run.</summary>
    public const double TailLoadShare = 0.4;

    public static async Task RunAsync(BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        Console.WriteLine("== part 2: add-item commands over HTTP through the local server");
        using var server = await ServerProcess.StartAsync(options.ServerDll, cancellationToken);
        report.ServerBuild ??= Machine.DescribeBuild(options.ServerDll);
        using var api = new ApiClient(server.BaseAddress, connections: 512);
        var load = new CommandLoad(api, await Fleet.CreateAsync(api, "http", users: 500, cartsPerUser: 2, cancellationToken));
        await load.WarmUpAsync(options, server, cancellationToken);

        // The most it serves first: the tail-latency target is set at a share of it, so it holds
        // the same meaning on a machine twice as fast or twice as slow.
        await CaughtUpAsync(api, cancellationToken);
        Console.WriteLine($"   {Clients} clients, closed loop, {options.Duration.TotalSeconds:0} s after {s_closedLoopWarmup.TotalSeconds:0} s warm-up");
        var meter = CpuMeter.Start(server);
        var max = await load.ClosedLoopAsync(Clients, s_closedLoopWarmup, options.Duration, null, cancellationToken);
        var maxCpu = meter.PerCommand(max.Ok, options.Duration / (s_closedLoopWarmup + options.Duration));
        Console.WriteLine($"     {maxCpu.Describe()}");
        report.Add(new ResultRow(Part, $"add item, {Clients} concurrent clients (most it serves)", $"{max.Describe()}; {maxCpu.Describe()}"));

        var tailRate = Math.Round(max.PerSecond * TailLoadShare / 50) * 50;
        await CaughtUpAsync(api, cancellationToken);
        Console.WriteLine($"   {tailRate:N0} commands/s ({TailLoadShare:P0} of the most it serves), open loop, {options.Duration.TotalSeconds:0} s");
        meter = CpuMeter.Start(server);
        var tail = await load.FixedRateAsync(tailRate, TimeSpan.FromSeconds(1), options.Duration, null, cancellationToken);
        var tailCpu = meter.PerCommand(tail.Ok, options.Duration / (TimeSpan.FromSeconds(1) + options.Duration));
        report.Add(new ResultRow(
            Part,
            $"add item at {TailLoadShare:P0} of the most it serves, open loop ({Format.Rate(tailRate, "commands")})",
            tail.Describe(),
            "p99 < 10 ms, p99.9 < 25 ms",
            tail.Latencies.P99 < 10 && tail.Latencies.P999 < 25 && tail.Failed == 0));
        report.Add(new ResultRow(Part, $"CPU per add-item command at {TailLoadShare:P0} load (process CPU time / commands)", tailCpu.Describe()));

        await CaughtUpAsync(api, cancellationToken);
        Console.WriteLine($"   1,000 commands/s, open loop, {options.Duration.TotalSeconds:0} s");
        var steady = await load.FixedRateAsync(1_000, TimeSpan.FromSeconds(1), options.Duration, null, cancellationToken);
        report.Add(new ResultRow(Part, "add item at a fixed 1,000 commands/s", steady.Describe()));

        var step = TimeSpan.FromSeconds(options.Quick ? 2 : 5);
        (double Rate, LoadResult Result)? best = null;
        foreach (var rate in s_steps)
        {
            await CaughtUpAsync(api, cancellationToken);
            Console.WriteLine($"   step: {rate:N0} commands/s for {step.TotalSeconds:0} s");
            var result = await load.FixedRateAsync(rate, TimeSpan.FromSeconds(1), step, null, cancellationToken);
            Console.WriteLine($"     {result.Describe()}");
            if (result.Latencies.P99 >= 10 || result.Failed > 0 || result.PerSecond < rate * 0.95)
            {
                break;
            }

            best = (rate, result);
        }

        report.Add(new ResultRow(
            Part,
            $"highest fixed rate with p99 under 10 ms (steps of {step.TotalSeconds:0} s)",
            best is { } b ? $"{Format.Rate(b.Rate, "commands")} (p99 {Latencies.Ms(b.Result.Latencies.P99)}; {b.Rate / max.PerSecond:P0} of the most it serves)" : "below 1,000 commands/s"));
        if (server.HasExited)
        {
            throw new InvalidOperationException($"the server stopped during the load:{Environment.NewLine}{server.LogTail()}");
        }
    }

    /// <summary>Waits for the projector to catch up, so a measurement does not pay for the load before it.</summary>
    public static async Task CaughtUpAsync(ApiClient api, CancellationToken cancellationToken)
    {
        if (await api.WaitForProjectionAsync(TimeSpan.FromSeconds(60), cancellationToken) is > 0 and var lag)
        {
            Console.WriteLine($"     the projector still trails by {lag} events; measuring anyway");
        }
    }
}
