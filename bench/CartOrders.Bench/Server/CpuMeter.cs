using System.Diagnostics;
using System.Globalization;

namespace CartOrders.Bench.Server;

/// <summary>CPU per command: the server process's and the load generator's (this process's), over one measurement.</summary>
internal sealed record CpuPerCommand(double ServerMicroseconds, double LoadGeneratorMicroseconds)
{
    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"CPU per command: server {ServerMicroseconds:0} µs, load generator {LoadGeneratorMicroseconds:0} µs");
}

/// <summary>Reads both processes' CPU time at the start of a measurement; <see cref="PerCommand"/> divides what was used since.</summary>
internal sealed class CpuMeter
{
    private readonly ServerProcess _server;
    private readonly TimeSpan _server0;
    private readonly TimeSpan _bench0;

    private CpuMeter(ServerProcess server)
    {
        _server = server;
        _server0 = server.CpuTime();
        _bench0 = Process.GetCurrentProcess().TotalProcessorTime;
    }

    public static CpuMeter Start(ServerProcess server) => new(server);

    /// <param name="commands">Commands answered in the measured window.</param>
    /// <param name="measuredShare">The measured window's share of the time since <see cref="Start"/> (a warm-up before it is not counted).</param>
    public CpuPerCommand PerCommand(long commands, double measuredShare)
    {
        var n = Math.Max(1, commands);
        return new CpuPerCommand(
            (_server.CpuTime() - _server0).TotalMicroseconds * measuredShare / n,
            (Process.GetCurrentProcess().TotalProcessorTime - _bench0).TotalMicroseconds * measuredShare / n);
    }
}
