using System.Globalization;
using System.Runtime.InteropServices;
using CartOrders.CosmosServer;

// dotnet run --project tests/CartOrders.CosmosServer -- [--port N] [--data-dir DIR] [--ranges N]
const string Usage = "usage: CartOrders.CosmosServer [--port N (0 = a free one)] [--data-dir DIR (durable; default: memory)] [--ranges N (partition key ranges per new container)]";
var options = new LocalCosmosServerOptions();
for (var i = 0; i < args.Length; i += 2)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    int? number = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
    LocalCosmosServerOptions? next = (args[i], value, number) switch
    {
        ("--port", _, <= 65535 and var port) => options with { Port = port },
        ("--data-dir", { Length: > 0 } directory, _) => options with { DataDirectory = Path.GetFullPath(directory) },
        ("--ranges", _, >= 1 and <= 64 and var ranges) => options with { PartitionKeyRanges = ranges },
        _ => null,
    };
    if (next is null)
    {
        await Console.Error.WriteLineAsync($"Bad option '{args[i]} {value}'. {Usage}");
        return 2;
    }

    options = next;
}

await using var server = await LocalCosmosServer.StartAsync(options);
Console.WriteLine($"Local Cosmos server listening: {server.ConnectionString}");
var stopped = new TaskCompletionSource();
void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    stopped.TrySetResult();
}

using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
await stopped.Task;
return 0;
