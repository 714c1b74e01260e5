using System.Diagnostics;
using CartOrders.Bench;
using CartOrders.Bench.Rebuild;
using CartOrders.Bench.Store;

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

var machine = Machine.Describe(options.RepositoryRoot);
Console.WriteLine($"CartOrders bench: {options.Part}, {options.Duration.TotalSeconds:0} s per load{(options.Quick ? ", quick sizes" : string.Empty)}");
Console.WriteLine($"machine: {machine.Describe()}");
var report = new Report();
var clock = Stopwatch.StartNew();
var failed = false;
try
{
    var all = options.Part == "all";
    if (all || options.Part == "store")
    {
        await StoreBench.RunAsync(options, report, stop.Token);
    }

    if (all || options.Part == "rebuild")
    {
        await RebuildBench.RunAsync(options, report, stop.Token);
    }
}
catch (Exception error) when (error is not OperationCanceledException)
{
    Console.Error.WriteLine($"bench failed: {error}");
    report.Note($"The run stopped early: {error.GetType().Name}: {error.Message}");
    failed = true;
}
finally
{
    Cleanup.RunAll();
}

var table = report.ToMarkdown(machine, clock.Elapsed);
Console.WriteLine();
Console.WriteLine(table);
if (options.Out is { } path)
{
    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    await File.WriteAllTextAsync(path, table);
}

return failed ? 1 : 0;
