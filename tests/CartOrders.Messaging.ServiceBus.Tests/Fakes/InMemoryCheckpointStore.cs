using CartOrders.Application.Ports;

namespace CartOrders.Messaging.ServiceBus.Tests.Fakes;

internal sealed class InMemoryCheckpointStore : ICheckpointStore
{
    private readonly Dictionary<string, string> _checkpoints = [];

    /// <summary>The next save throws, as if the process died between handling a batch and saving its checkpoint.</summary>
    public bool CrashOnNextSave { get; set; }

    public string? this[string subscription] => _checkpoints.GetValueOrDefault(subscription);

    public Task<string?> LoadAsync(string subscription, CancellationToken cancellationToken = default) =>
        Task.FromResult(this[subscription]);

    public Task<StoredCheckpoint?> ReadAsync(string subscription, CancellationToken cancellationToken = default) =>
        Task.FromResult(this[subscription] is { } value ? new StoredCheckpoint(value, value) : null);

    public async Task<bool> TrySaveAsync(string subscription, string checkpoint, string? expectedVersion, CancellationToken cancellationToken = default)
    {
        if (this[subscription] != expectedVersion)
        {
            return false;
        }

        await SaveAsync(subscription, checkpoint, cancellationToken);
        return true;
    }

    public Task SaveAsync(string subscription, string checkpoint, CancellationToken cancellationToken = default)
    {
        if (CrashOnNextSave)
        {
            CrashOnNextSave = false;
            throw new InvalidOperationException("crashed before the checkpoint was saved");
        }

        _checkpoints[subscription] = checkpoint;
        return Task.CompletedTask;
    }
}
