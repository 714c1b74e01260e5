using System.Globalization;
using CartOrders.Application.Ports;

namespace CartOrders.Messaging.ServiceBus.Tests.Fakes;

/// <summary>A feed over a list; the checkpoint is how many events were read.</summary>
internal sealed class InMemoryEventFeed : IEventFeed
{
    public List<StoredEvent> Events { get; } = [];

    public Task<FeedBatch> ReadAsync(string? checkpoint, int maxEvents, CancellationToken cancellationToken = default)
    {
        var from = Position(checkpoint);
        var batch = Events.Skip(from).Take(maxEvents).ToList();
        return Task.FromResult(new FeedBatch(batch, (from + batch.Count).ToString(CultureInfo.InvariantCulture)));
    }

    public Task<long> EstimateLagAsync(string? checkpoint, CancellationToken cancellationToken = default) =>
        Task.FromResult((long)(Events.Count - Position(checkpoint)));

    public Task WaitForEventsAsync(string? checkpoint, TimeSpan timeout, CancellationToken cancellationToken = default) => Task.CompletedTask;

    private static int Position(string? checkpoint) => checkpoint is null ? 0 : int.Parse(checkpoint, CultureInfo.InvariantCulture);
}
