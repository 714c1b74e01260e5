namespace CartOrders.Bench.Server;

/// <summary>
/// Part 5: the server's working set (VmRSS): idle after start-up, with many SignalR connections
/// open (each joined to a cart), and at its peak under the closed-loop command load. Connections
/// are measured before the command load, so the figure is what they cost rather than what the
/// garbage-collected heap kept from a load before them.
/// </summary>
internal static class MemoryBench
{
    private const string Part = "5 memory";
    private const int ConnectionsPerUser = 20;

    public static async Task RunAsync(BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        Console.WriteLine("== part 5: server working set");
        using var server = await ServerProcess.StartAsync(options.ServerDll, cancellationToken);
        report.ServerBuild ??= Machine.DescribeBuild(options.ServerDll);
        using var api = new ApiClient(server.BaseAddress, connections: 512);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        report.Add(new ResultRow(Part, "server working set, idle after start-up", Format.Mb(server.WorkingSetBytes())));

        await MeasureConnectionsAsync(server, api, options, report, cancellationToken);

        var load = new CommandLoad(api, await Fleet.CreateAsync(api, "memory", users: 500, cartsPerUser: 2, cancellationToken));
        await load.WarmUpAsync(options, server, cancellationToken);
        await HttpBench.CaughtUpAsync(api, cancellationToken);
        long peak = 0;
        var result = await load.ClosedLoopAsync(64, TimeSpan.FromSeconds(2), options.Duration, () => Interlocked.Exchange(ref peak, Math.Max(Interlocked.Read(ref peak), server.WorkingSetBytes())), cancellationToken);
        report.Add(new ResultRow(Part, "server working set, peak under 64 clients sending commands", $"{Format.Mb(peak)} (at {Format.Rate(result.PerSecond, "commands")})"));
    }

    private static async Task MeasureConnectionsAsync(ServerProcess server, ApiClient api, BenchOptions options, Report report, CancellationToken cancellationToken)
    {
        var connections = options.SignalRConnections;
        var users = connections / ConnectionsPerUser;
        Console.WriteLine($"   opening {Format.Count(connections)} SignalR connections ({users} users, {ConnectionsPerUser} each, each joined to its user's cart)");
        var owners = await Task.WhenAll(Enumerable.Range(0, users).Select(u => api.UserWithCartsAsync($"memory-watcher-{u}", 1, cancellationToken)));
        var watchers = new CartWatcher[connections];
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, connections),
                new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (c, token) =>
                {
                    var owner = owners[c / ConnectionsPerUser];
                    var watcher = await CartWatcher.ConnectAsync(server.BaseAddress, owner, token);
                    watchers[c] = watcher;
                    await api.SubscribeAsync(owner, owner.Carts[0], watcher.ConnectionId, token);
                });
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
            var open = server.WorkingSetBytes();
            report.Add(new ResultRow(Part, $"server working set with {Format.Count(connections)} SignalR connections open", Format.Mb(open), "< 250 MB", open < 250L * 1024 * 1024));
        }
        finally
        {
            await Parallel.ForEachAsync(watchers.Where(w => w is not null), new ParallelOptions { MaxDegreeOfParallelism = 32 }, (w, _) => w.DisposeAsync());
        }
    }
}
