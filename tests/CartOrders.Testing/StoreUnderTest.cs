using CartOrders.Application.Ports;

namespace CartOrders.Testing;

/// <summary>One store's implementations of every storage port, as the contract suite sees them.</summary>
public sealed record StoreUnderTest(
    IEventStore Events,
    IEventFeed Feed,
    ICheckpointStore Checkpoints,
    IViewStore Views,
    Func<ValueTask> Dispose) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Dispose();
}
