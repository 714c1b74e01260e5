using System.Runtime;

namespace CartOrders.Bench.Server;

/// <summary>
/// Keeps the load generator's garbage collector out of a latency measurement: the bench shares the
/// server's two cores, and a collection in the bench pauses the threads that take the answers,
/// which the measurement would count as the server's latency. Asks the runtime for a region
/// without collections as large as it grants (up to 256 MB); when the load allocates more, the
/// runtime collects anyway and <see cref="Dispose"/> says so.
/// </summary>
internal sealed class NoGcWindow : IDisposable
{
    private readonly bool _started;
    private readonly long _allocatedBefore = GC.GetTotalAllocatedBytes();

    private NoGcWindow()
    {
        for (long size = 256L << 20; size >= 16L << 20 && !_started; size /= 2)
        {
            try
            {
                _started = GC.TryStartNoGCRegion(size);
            }
            catch (ArgumentOutOfRangeException)
            {
                // More than this runtime's configuration allows: try half.
            }
        }
    }

    public static NoGcWindow Start() => new();

    public void Dispose()
    {
        if (!_started)
        {
            Console.WriteLine("   the load generator could not hold off its garbage collector for this measurement");
            return;
        }

        var allocated = (GC.GetTotalAllocatedBytes() - _allocatedBefore) / (1 << 20);
        if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
        {
            GC.EndNoGCRegion();
        }
        else
        {
            Console.WriteLine($"   the load generator collected during this measurement ({allocated:N0} MB allocated)");
        }
    }
}
