using JasperFx;
using JasperFx.Events;
using Marten;

namespace CartOrders.Bench.Store;

/// <summary>Marten's event store on the bench's PostgreSQL, string stream ids, one event per SaveChanges.</summary>
internal sealed class MartenTarget(DocumentStore store, EventAppendMode mode) : IAppendTarget
{
    public string Name => $"Marten {StoreBench.ModeName(mode)}";

    public static async Task<MartenTarget> CreateAsync(string connectionString, EventAppendMode mode, CancellationToken cancellationToken)
    {
        var store = DocumentStore.For(options =>
        {
            options.Connection(connectionString);
            options.AutoCreateSchemaObjects = AutoCreate.All;
            options.DisableNpgsqlLogging = true;
            options.Events.StreamIdentity = StreamIdentity.AsString;
            options.Events.AppendMode = mode;
            options.Events.AddEventType<CartOrders.Domain.Carts.ItemAdded>();
        });
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return new MartenTarget(store, mode);
    }

    public async Task AppendAsync(string streamId, long expectedVersion, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        if (expectedVersion == 0)
        {
            session.Events.StartStream(streamId, BenchEvent.Value);
        }
        else
        {
            // Marten checks the version the stream will have after the append.
            session.Events.Append(streamId, expectedVersion + 1, BenchEvent.Value);
        }

        await session.SaveChangesAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => store.DisposeAsync();
}
