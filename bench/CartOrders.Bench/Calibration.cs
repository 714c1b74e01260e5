using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace CartOrders.Bench;

/// <summary>
/// What this machine can do today, measured at the start of every run so each target can be a
/// ratio to it: the temp disk's sync rate (a 4 KiB write then fdatasync, as a commit of the
/// embedded store writes its WAL frames and syncs them) and a fixed single-core CPU score.
/// Machines of the same kind differ by 2-3x in both from day to day.
/// </summary>
internal sealed partial record Calibration(double SyncsPerSecond, Latencies Syncs, double CpuScore)
{
    private const int PageBytes = 4096;
    private const long CycleBytes = 4 * 1024 * 1024;

    /// <summary>Where each round's result goes, so the work cannot be optimized away.</summary>
    private static int s_sink;

    public static Calibration Measure(TimeSpan budget)
    {
        var (rate, syncs) = MeasureDiskSync(budget);
        return new Calibration(rate, syncs, MeasureCpu(budget / 2));
    }

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"disk sync {SyncsPerSecond:N0}/s (4 KiB write + fdatasync: p50 {Latencies.Ms(Syncs.P50)}, p99 {Latencies.Ms(Syncs.P99)}), single-core CPU score {CpuScore:N0}");

    /// <summary>
    /// Writes 4 KiB and syncs its data, again and again, for the budget, on the temp folder's disk
    /// (where the bench's databases live): the most commits per second any store could make there.
    /// The pages cycle through a file written and synced beforehand, as a WAL in steady state
    /// rewrites its frames from the start after each checkpoint, so no sync also carries a change
    /// of the file's size.
    /// </summary>
    public static (double PerSecond, Latencies Syncs) MeasureDiskSync(TimeSpan budget)
    {
        var path = Path.Combine(Path.GetTempPath(), $"cartorders-bench-sync-{Environment.ProcessId}.bin");
        try
        {
            using var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
            var fd = (int)file.DangerousGetHandle();
            var page = new byte[PageBytes];
            Random.Shared.NextBytes(page);
            for (long at = 0; at < CycleBytes; at += PageBytes)
            {
                RandomAccess.Write(file, page, at);
            }

            Fsync(fd, path);
            var syncs = new Latencies(16 * 1024);
            var clock = Stopwatch.StartNew();
            long offset = 0;
            while (clock.Elapsed < budget || syncs.Count < 50)
            {
                var start = Stopwatch.GetTimestamp();
                RandomAccess.Write(file, page, offset);
                Fsync(fd, path);
                syncs.AddSince(start);
                offset = (offset + PageBytes) % CycleBytes;
            }

            return (syncs.Count / clock.Elapsed.TotalSeconds, syncs);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>
    /// A fixed piece of work of the kind a command costs (serialize and parse a small JSON event,
    /// hash it) repeated on one thread; the score is rounds per second, the best of three tries, so
    /// a moment of contention lowers it less.
    /// </summary>
    private static double MeasureCpu(TimeSpan budget)
    {
        var sample = new CalibrationEvent("cart-0123456789abcdef0123456789abcdef", "sku-espresso-250g", "Espresso beans 250g", 1_250, "EUR", 3, DateTimeOffset.UnixEpoch);
        var best = 0.0;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var rounds = 0L;
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < budget / 3)
            {
                for (var i = 0; i < 100; i++)
                {
                    var bytes = JsonSerializer.SerializeToUtf8Bytes(sample, CalibrationJson.Default.CalibrationEvent);
                    var back = JsonSerializer.Deserialize(bytes, CalibrationJson.Default.CalibrationEvent)!;
                    s_sink = SHA256.HashData(bytes)[0] + back.Quantity;
                    rounds++;
                }
            }

            best = Math.Max(best, rounds / clock.Elapsed.TotalSeconds);
        }

        return best;
    }

    private static void Fsync(int fd, string path)
    {
        if (Fdatasync(fd) != 0)
        {
            throw new IOException($"fdatasync failed on {path}: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int Fdatasync(int fd);
}

/// <summary>The calibration's JSON payload, shaped like a stored item event.</summary>
internal sealed record CalibrationEvent(string CartId, string ProductId, string Name, long UnitPriceMinor, string Currency, int Quantity, DateTimeOffset At);

[System.Text.Json.Serialization.JsonSerializable(typeof(CalibrationEvent))]
internal sealed partial class CalibrationJson : System.Text.Json.Serialization.JsonSerializerContext;
