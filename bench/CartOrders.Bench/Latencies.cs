using System.Diagnostics;
using System.Globalization;

namespace CartOrders.Bench;

/// <summary>
/// Recorded latencies of one measurement, kept whole (every sample) so percentiles are exact.
/// Each load worker records into its own instance; they are merged after the run.
/// </summary>
internal sealed class Latencies
{
    private readonly List<long> _ticks;
    private long[]? _sorted;

    public Latencies(int capacity = 1024) => _ticks = new List<long>(capacity);

    public int Count => _ticks.Count;

    public void Add(long elapsedTicks)
    {
        _ticks.Add(Math.Max(0, elapsedTicks));
        _sorted = null;
    }

    public void AddSince(long startTimestamp) => Add(Stopwatch.GetTimestamp() - startTimestamp);

    public static Latencies Merge(IEnumerable<Latencies> parts)
    {
        var all = new Latencies();
        foreach (var part in parts)
        {
            all._ticks.AddRange(part._ticks);
        }

        return all;
    }

    /// <summary>The latency (ms) at or under which the fraction <paramref name="p"/> of samples fall (nearest rank).</summary>
    public double Percentile(double p)
    {
        if (_ticks.Count == 0)
        {
            return double.NaN;
        }

        _sorted ??= [.. _ticks.Order()];
        var rank = (int)Math.Ceiling(p * _sorted.Length) - 1;
        return ToMs(_sorted[Math.Clamp(rank, 0, _sorted.Length - 1)]);
    }

    public double Mean => _ticks.Count == 0 ? double.NaN : ToMs((long)_ticks.Average());

    public double P50 => Percentile(0.50);

    public double P99 => Percentile(0.99);

    public double P999 => Percentile(0.999);

    public string Summary(bool withP999 = false) => withP999
        ? string.Create(CultureInfo.InvariantCulture, $"p50 {Ms(P50)}, p99 {Ms(P99)}, p99.9 {Ms(P999)}")
        : string.Create(CultureInfo.InvariantCulture, $"p50 {Ms(P50)}, p99 {Ms(P99)}");

    public static string Ms(double ms) => ms switch
    {
        double.NaN => "n/a",
        < 0.1 => string.Create(CultureInfo.InvariantCulture, $"{ms * 1000:0} µs"),
        < 10 => string.Create(CultureInfo.InvariantCulture, $"{ms:0.00} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ms:0.0} ms"),
    };

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
