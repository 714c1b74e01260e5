using System.Net;
using Microsoft.Azure.Cosmos;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// Keeps the leases container from piling up what retired feed subscriptions left behind: their
/// checkpoint, their parked events and their list of parked streams
/// (<see cref="CosmosStoreOptions.RetiredSubscriptions"/>). Runs at start and then every
/// <see cref="CosmosStoreOptions.SweepInterval"/>. Idempotency records need no sweep here: each
/// carries its own <c>ttl</c> and Cosmos DB removes it. History is never deleted.
/// </summary>
internal sealed partial class CosmosRetention(CosmosDatabase database, CosmosRequests requests, TimeProvider clock, ILogger<CosmosRetention> logger) : BackgroundService
{

    /// <summary>One sweep; answers how many items it deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken = default)
    {
        await database.ReadyAsync(cancellationToken);
        var removed = 0;
        foreach (var retired in database.Options.RetiredSubscriptions)
        {
            // The parked events and the parked-streams list carry the subscription; the checkpoint is keyed by it.
            var query = new QueryDefinition("SELECT c.id FROM c WHERE c.subscription = @subscription").WithParameter("@subscription", retired);
            var ids = new List<string>();
            using (var iterator = database.Leases.GetItemQueryIterator<LeaseKey>(query))
            {
                while (iterator.HasMoreResults)
                {
                    var page = await requests.RunAsync(
                        "list-retired", database.Leases.Id, () => iterator.ReadNextAsync(cancellationToken), r => new RequestOutcome(r.StatusCode, r.RequestCharge));
                    ids.AddRange(page.Select(k => k.Id));
                }
            }

            ids.Add(CheckpointItem.IdOf(retired));
            var count = 0;
            foreach (var id in ids)
            {
                count += await DeleteAsync(id, cancellationToken) ? 1 : 0;
            }

            if (count > 0)
            {
                LogRetired(logger, retired, count);
            }

            removed += count;
        }

        return removed;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (database.Options.RetiredSubscriptions.Count == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(database.Options.SweepInterval, clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The next sweep tries again; nothing is lost by waiting.
                LogFailed(logger, error);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        using var deleted = await requests.RunAsync(
            "delete-retired",
            database.Leases.Id,
            () => database.Leases.DeleteItemStreamAsync(id, new PartitionKey(id), cancellationToken: cancellationToken),
            CosmosRequests.Outcome);
        if (deleted.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        deleted.EnsureSuccessStatusCode();
        return true;
    }

    private sealed record LeaseKey(string Id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: removed the checkpoint and parked events of retired subscription {Subscription} ({Items} items)")]
    private static partial void LogRetired(ILogger logger, string subscription, int items);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep failed; it runs again at the next interval")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
