using System.Globalization;
using CartOrders.CosmosServer;

// dotnet run --project tests/CartOrders.CosmosServer -- [--port N] [--data-dir DIR] [--ranges N]
var options = new LocalCosmosServerOptions();
for (var i = 0; i + 1 < args.Length; i += 2)
{
    options = args[i] switch
    {
        "--port" => options with { Port = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        "--data-dir" => options with { DataDirectory = args[i + 1] },
        "--ranges" => options with { PartitionKeyRanges = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
        _ => throw new ArgumentException($"Unknown option {args[i]}; use --port N, --data-dir DIR, --ranges N."),
    };
}

await using var server = await LocalCosmosServer.StartAsync(options);
Console.WriteLine($"Local Cosmos server listening: {server.ConnectionString}");
var stopped = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stopped.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stopped.TrySetResult();
await stopped.Task;
