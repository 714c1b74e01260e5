namespace CartOrders.Functions.Tests.Support;

/// <summary>The app's clock: real time, plus whatever a test moved it on by (entries that expire, without waiting).</summary>
public sealed class ShiftedClock : TimeProvider
{
    private long _shiftTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _shiftTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _shiftTicks));
}
