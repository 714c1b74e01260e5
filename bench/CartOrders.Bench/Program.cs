using System.Diagnostics;
using System.Runtime.InteropServices;
using CartOrders.Bench;
using CartOrders.Bench.Rebuild;
using CartOrders.Bench.Server;
using CartOrders.Bench.Store;

var options = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

// Ctrl+C, SIGTERM and SIGHUP stop the run the orderly way: the loads see the token, and each
// part's finally undoes what it started (PostgreSQL, the server, temp folders).
using var stop = new CancellationTokenSource();
void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    stop.Cancel();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Stop);

var machine = Machine.Describe(options.RepositoryRoot);
Console.WriteLine(options.Part == "soak"
    ? $"CartOrders bench: soak, {options.Soak.TotalMinutes:0.#} min"
    : $"CartOrders bench: {options.Part}, {options.Duration.TotalSeconds:0} s per load{(options.Quick ? ", quick sizes" : string.Empty)}");
Console.WriteLine($"machine: {machine.Describe()}");
var calibration = Calibration.Measure(TimeSpan.FromSeconds(options.Quick ? 1 : 3));
Console.WriteLine($"calibration: {calibration.Describe()}");
var report = new Report { Calibration = calibration };
var clock = Stopwatch.StartNew();
var parts = new (string Name, Func<BenchOptions, Report, CancellationToken, Task> Run)[]
{
    ("store", StoreBench.RunAsync),
    ("rebuild", RebuildBench.RunAsync),
    ("upcast", CartOrders.Bench.Rebuild.UpcastCost.RunAsync),
    ("http", HttpBench.RunAsync),
    ("push", PushBench.RunAsync),
    ("memory", MemoryBench.RunAsync),
    ("soak", SoakBench.RunAsync),
    ("cosmos", CosmosBench.RunAsync),
    ("cpu", CpuBench.RunAsync),
};
var failed = false;
foreach (var (name, run) in parts.Where(p => (options.Part is "all" && p.Name is not ("soak" or "cosmos" or "cpu" or "upcast")) || options.Part == p.Name))
{
    if (stop.IsCancellationRequested)
    {
        break;
    }

    try
    {
        await run(options, report, stop.Token);
    }
    catch (OperationCanceledException) when (stop.IsCancellationRequested)
    {
        report.Note($"The run was stopped during part {name}.");
        failed = true;
    }
    catch (Exception error)
    {
        // One part failing (a server that does not start, say) does not cost the others.
        Console.Error.WriteLine($"part {name} failed: {error}");
        report.Note($"Part {name} did not finish: {error.GetType().Name}: {error.Message.Split('\n')[0]}");
        failed = true;
    }
    finally
    {
        Cleanup.RunAll();
    }
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
