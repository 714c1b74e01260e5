using System.Diagnostics;

namespace CartOrders.Bench.Server;

/// <summary>
/// Part 3: from a command's HTTP answer to the <c>cartUpdated</c> push reaching a second SignalR
/// client (a collaborator watching the cart), idle and under a fixed load of 1,000 commands/s on
/// other carts. Probe owners send one add-item every 25 ms, each waiting for its push.
/// </summary>
internal static class PushBench
{
    private const string Part = "3 push";
    private const int Probes = 4;
    private static readonly TimeSpan s_probeInterval = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan s_pushTimeout = TimeSpan.FromSeconds(2);

    private sealed record Probe(ApiClient Api, BenchUser Owner, string Cart, CartWatcher Watcher);

    public static async Task RunAsync(BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        Console.WriteLine("== part 3: command answer to cartUpdated on a second SignalR client");
        using var server = await ServerProcess.StartAsync(options.ServerDll, cancellationToken);
        report.ServerBuild ??= Machine.DescribeBuild(options.ServerDll);
        using var api = new ApiClient(server.BaseAddress, connections: 512);
        var load = new CommandLoad(api, await Fleet.CreateAsync(api, "push-load", users: 500, cartsPerUser: 2, cancellationToken));
        var probes = new List<Probe>();
        try
        {
            for (var p = 0; p < Probes; p++)
            {
                var owner = await api.UserWithCartsAsync($"push-owner-{p}", 1, cancellationToken);
                var watcherUser = new BenchUser($"push-watcher-{p}", await api.TokenAsync($"push-watcher-{p}", cancellationToken), []);
                await api.AddCollaboratorAsync(owner, owner.Carts[0], watcherUser.UserId, cancellationToken);
                var watcher = await CartWatcher.ConnectAsync(server.BaseAddress, watcherUser, cancellationToken);
                probes.Add(new Probe(api, owner, owner.Carts[0], watcher));
                await api.SubscribeAsync(watcherUser, owner.Carts[0], watcher.ConnectionId, cancellationToken);
            }

            await load.WarmUpAsync(options, server, cancellationToken);
            await HttpBench.CaughtUpAsync(api, cancellationToken);
            await ProbeAsync(probes, TimeSpan.FromSeconds(2), cancellationToken);
            Console.WriteLine($"   idle: {Probes} probes for {options.Duration.TotalSeconds:0} s");
            var idle = await ProbeAsync(probes, options.Duration, cancellationToken);
            report.Add(new ResultRow(Part, "command answer to push on a second client, idle", idle.Describe()));

            Console.WriteLine($"   under 1,000 commands/s on other carts, {options.Duration.TotalSeconds:0} s");
            var background = load.FixedRateAsync(1_000, TimeSpan.FromSeconds(2), options.Duration + TimeSpan.FromSeconds(1), null, cancellationToken);
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            var loaded = await ProbeAsync(probes, options.Duration, cancellationToken);
            var backgroundResult = await background;
            report.Add(new ResultRow(
                Part,
                "command answer to push on a second client, under 1,000 commands/s",
                $"{loaded.Describe()} (load: {Format.Rate(backgroundResult.PerSecond, "commands")}, {Format.Count(backgroundResult.Failed)} failed)",
                "p99 < 25 ms",
                loaded.Latencies.P99 < 25 && loaded.Missed == 0));
        }
        finally
        {
            foreach (var probe in probes)
            {
                await probe.Watcher.DisposeAsync();
            }
        }
    }

    private sealed record ProbeResult(Latencies Latencies, long PushedBeforeAnswer, long Missed)
    {
        public string Describe() =>
            $"{Latencies.Summary()} over {Format.Count(Latencies.Count)} pushes"
            + (PushedBeforeAnswer > 0 ? $" ({Format.Count(PushedBeforeAnswer)} arrived before the answer, counted as 0)" : string.Empty)
            + (Missed > 0 ? $"; **{Format.Count(Missed)} pushes missing**" : string.Empty);
    }

    private static async Task<ProbeResult> ProbeAsync(IReadOnlyList<Probe> probes, TimeSpan duration, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var maxRounds = (int)(duration / s_probeInterval) + 1;

        async Task<(Latencies Latencies, long Early, long Missed)> Run(Probe probe, int index)
        {
            var latencies = new Latencies(maxRounds);
            long early = 0, missed = 0;
            var next = Stopwatch.GetTimestamp() + index * (long)(s_probeInterval.TotalSeconds * Stopwatch.Frequency / probes.Count);
            for (var round = 0; round < maxRounds && Stopwatch.GetTimestamp() < end && !cancellationToken.IsCancellationRequested; round++)
            {
                var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), next);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken);
                }

                next += (long)(s_probeInterval.TotalSeconds * Stopwatch.Frequency);
                var answer = await probe.Api.AddItemAsync(probe.Owner, probe.Cart, round, readVersion: true, cancellationToken);
                if (answer.Status != System.Net.HttpStatusCode.OK)
                {
                    throw new InvalidOperationException($"probe command answered {(int)answer.Status}");
                }

                if (await probe.Watcher.PushOfAsync(probe.Cart, answer.Version, s_pushTimeout, cancellationToken) is not { } pushedAt)
                {
                    missed++;
                    continue;
                }

                if (pushedAt < answer.AnsweredAt)
                {
                    early++;
                }

                latencies.Add(pushedAt - answer.AnsweredAt);
            }

            return (latencies, early, missed);
        }

        var results = await Task.WhenAll(probes.Select((p, i) => Run(p, i)));
        return new ProbeResult(Latencies.Merge(results.Select(r => r.Latencies)), results.Sum(r => r.Early), results.Sum(r => r.Missed));
    }
}
