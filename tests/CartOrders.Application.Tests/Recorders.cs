using System.Diagnostics.Metrics;

namespace CartOrders.Application.Tests;

/// <summary>One measurement of a product counter, with its tags.</summary>
internal sealed record Measured(string Instrument, long Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>
/// Records the product's counters, only those measured from the flow that created the recorder:
/// the counters are static and tests run in parallel, so a test tells its own measurements apart
/// by an async-local mark (a counter's listener is called on the thread that adds to it).
/// </summary>
internal sealed class CounterRecorder : IDisposable
{
    private static readonly AsyncLocal<CounterRecorder?> s_current = new();

    private readonly MeterListener _listener = new();
    private readonly List<Measured> _measured = [];

    public CounterRecorder()
    {
        s_current.Value = this;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == Telemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            if (s_current.Value != this)
            {
                return;
            }

            var tagged = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var tag in tags)
            {
                tagged[tag.Key] = tag.Value;
            }

            lock (_measured)
            {
                _measured.Add(new Measured(instrument.Name, value, tagged));
            }
        });
        _listener.Start();
    }

    public IReadOnlyList<Measured> Of(string instrument)
    {
        lock (_measured)
        {
            return [.. _measured.Where(m => m.Instrument == instrument)];
        }
    }

    public long Sum(string instrument) => Of(instrument).Sum(m => m.Value);

    public void Dispose()
    {
        _listener.Dispose();
        if (s_current.Value == this)
        {
            s_current.Value = null;
        }
    }
}
