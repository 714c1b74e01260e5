using Azure.Messaging.ServiceBus;

namespace CartOrders.Messaging.ServiceBus.Tests.Fakes;

/// <summary>
/// A sender built on the SDK's own test seams: batches come from ServiceBusModelFactory and
/// accept messages while their bodies fit a byte budget. Sends can be made to fail.
/// </summary>
internal sealed class FakeServiceBusSender(long batchBudgetBytes = 256 * 1024) : ServiceBusSender
{
    private readonly Dictionary<ServiceBusMessageBatch, List<ServiceBusMessage>> _contents = new(ReferenceEqualityComparer.Instance);

    public List<IReadOnlyList<ServiceBusMessage>> SentBatches { get; } = [];

    public IReadOnlyList<ServiceBusMessage> Sent => [.. SentBatches.SelectMany(b => b)];

    /// <summary>Thrown by the next sends, one per call, before anything is accepted.</summary>
    public Queue<Exception> SendFailures { get; } = new();

    /// <summary>Throws for a batch the broker would refuse (checked after <see cref="SendFailures"/>).</summary>
    public Func<IReadOnlyList<ServiceBusMessage>, Exception?> Refuse { get; set; } = _ => null;

    /// <summary>Runs at each send, before it is accepted (to look at the world at that moment).</summary>
    public Action? OnSend { get; set; }

    public int SendCalls { get; private set; }

    public override string EntityPath => "cartorders-events";

    public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CancellationToken cancellationToken = default) =>
        CreateMessageBatchAsync(new CreateMessageBatchOptions(), cancellationToken);

    public override ValueTask<ServiceBusMessageBatch> CreateMessageBatchAsync(CreateMessageBatchOptions options, CancellationToken cancellationToken = default)
    {
        var store = new List<ServiceBusMessage>();
        long used = 0;
        var batch = ServiceBusModelFactory.ServiceBusMessageBatch(batchBudgetBytes, store, options, message =>
        {
            var size = message.Body.ToMemory().Length;
            if (used + size > batchBudgetBytes)
            {
                return false;
            }

            used += size;
            return true;
        });
        _contents[batch] = store;
        return ValueTask.FromResult(batch);
    }

    public override Task SendMessagesAsync(ServiceBusMessageBatch messageBatch, CancellationToken cancellationToken = default)
    {
        SendCalls++;
        OnSend?.Invoke();
        if (SendFailures.TryDequeue(out var failure))
        {
            throw failure;
        }

        var messages = _contents[messageBatch].ToList();
        if (Refuse(messages) is { } refusal)
        {
            throw refusal;
        }

        SentBatches.Add(messages);
        return Task.CompletedTask;
    }
}
