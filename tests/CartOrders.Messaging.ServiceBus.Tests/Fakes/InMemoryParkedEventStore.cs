using CartOrders.Application.Ports;

namespace CartOrders.Messaging.ServiceBus.Tests.Fakes;

internal sealed class InMemoryParkedEventStore : IParkedEventStore
{
    private readonly List<ParkedEvent> _parked = [];

    public Task ParkAsync(IReadOnlyList<ParkedEvent> events, CancellationToken cancellationToken = default)
    {
        _parked.AddRange(events);
        return Task.CompletedTask;
    }

    public Task<IReadOnlySet<string>> ParkedStreamsAsync(string subscription, IReadOnlyCollection<string> streamIds, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlySet<string>>(_parked.Where(p => p.Subscription == subscription && streamIds.Contains(p.Event.StreamId)).Select(p => p.Event.StreamId).ToHashSet());

    public Task<IReadOnlyList<ParkedEvent>> ListAsync(string? subscription, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ParkedEvent>>([.. _parked.Where(p => subscription is null || p.Subscription == subscription)]);

    public Task RemoveAsync(string subscription, string streamId, long throughVersion, CancellationToken cancellationToken = default)
    {
        _parked.RemoveAll(p => p.Subscription == subscription && p.Event.StreamId == streamId && p.Event.Version <= throughVersion);
        return Task.CompletedTask;
    }
}
