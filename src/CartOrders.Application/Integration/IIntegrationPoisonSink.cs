using System.Collections.Concurrent;

namespace CartOrders.Application.Integration;

/// <summary>An event that could never be published, set aside so that its stream does not stall.</summary>
public sealed record PoisonedIntegrationEvent(string EventId, string StreamId, string Type, string Reason, DateTimeOffset RecordedAt);

/// <summary>
/// Where poisoned integration events are kept for someone to look at. Recording may repeat for
/// the same event id when a batch is handled again; a sink treats the id as the key.
/// </summary>
public interface IIntegrationPoisonSink
{
    Task RecordAsync(PoisonedIntegrationEvent poisoned, CancellationToken cancellationToken = default);
}

/// <summary>The default sink: the most recent poisoned events in memory (the error log is the durable record).</summary>
public sealed class InMemoryIntegrationPoisonSink : IIntegrationPoisonSink
{
    public const int Capacity = 1000;

    private readonly ConcurrentQueue<PoisonedIntegrationEvent> _recorded = new();

    public IReadOnlyList<PoisonedIntegrationEvent> Recorded => [.. _recorded];

    public Task RecordAsync(PoisonedIntegrationEvent poisoned, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(poisoned);
        _recorded.Enqueue(poisoned);
        while (_recorded.Count > Capacity && _recorded.TryDequeue(out _))
        {
        }

        return Task.CompletedTask;
    }
}
