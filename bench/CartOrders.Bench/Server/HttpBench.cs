namespace CartOrders.Bench.Server;

/// <summary>
/// Part 2: add-item commands through the real local server over HTTP, from this process (a
/// separate load process): the most it serves with many concurrent clients, the latency at a
/// fixed 1,000 commands/s, and the highest fixed rate whose p99 stays under 10 ms.
/// </summary>
internal static class HttpBench
{
    private const string Part = "2 HTTP";
    private const int Clients = 64;
    private static readonly double[] s_steps = [1_000, 2_000, 3_000, 4_000, 5_000, 6_000, 7_000, 8_000, 10_000];

    public static async Task RunAsync(BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        Console.WriteLine("== part 2: add-item commands over HTTP through the local server");
        using var server = await ServerProcess.StartAsync(options.ServerDll, cancellationToken);
        using var api = new ApiClient(server.BaseAddress, connections: 512);
        var load = new CommandLoad(api, await Fleet.CreateAsync(api, "http", users: 500, cartsPerUser: 2, cancellationToken));
        var warmup = TimeSpan.FromSeconds(3);

        Console.WriteLine($"   {Clients} clients, closed loop, {options.Duration.TotalSeconds:0} s after {warmup.TotalSeconds:0} s warm-up");
        var serverCpu = server.CpuTime();
        var benchCpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var max = await load.ClosedLoopAsync(Clients, warmup, options.Duration, null, cancellationToken);
        var share = options.Duration / (warmup + options.Duration);
        Console.WriteLine($"     CPU per command: server {(server.CpuTime() - serverCpu).TotalMicroseconds * share / Math.Max(1, max.Ok):0} µs, load generator {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - benchCpu).TotalMicroseconds * share / Math.Max(1, max.Ok):0} µs");
        report.Add(new ResultRow(Part, $"add item, {Clients} concurrent clients (most it serves)", max.Describe(), "≥ 5,000 commands/s", max.PerSecond >= 5_000 && max.Failed == 0));

        Console.WriteLine($"   1,000 commands/s, open loop, {options.Duration.TotalSeconds:0} s");
        var steady = await load.FixedRateAsync(1_000, TimeSpan.FromSeconds(1), options.Duration, null, cancellationToken);
        report.Add(new ResultRow(Part, "add item at a fixed 1,000 commands/s", steady.Describe(), "p99 < 5 ms", steady.Latencies.P99 < 5 && steady.Failed == 0));

        var step = TimeSpan.FromSeconds(options.Quick ? 2 : 5);
        (double Rate, LoadResult Result)? best = null;
        foreach (var rate in s_steps)
        {
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
            best is { } b ? $"{Format.Rate(b.Rate, "commands")} (p99 {Latencies.Ms(b.Result.Latencies.P99)})" : "below 1,000 commands/s"));
        if (server.HasExited)
        {
            throw new InvalidOperationException($"the server stopped during the load:{Environment.NewLine}{server.LogTail()}");
        }
    }
}
