using System.Net;
using CartOrders.Application.Ports;
using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// Views in the views container, one logical partition per view (<c>pk</c> = id = "kind-viewId").
/// Reading one view is a point read. A write is a read plus a create or an ETag-guarded replace, so
/// versions never go back even with several projectors racing. Lists are the one place that queries
/// across partitions (members and kind are indexed): that is the list path, never the command path.
/// Generations: a view of a generation other than the first is stored under its kind with the
/// generation appended (<c>cart@2</c>); which generation is live is one item in the leases
/// container (<c>view-generations</c>, ETag-guarded), point-read by each reader before it reads.
/// </summary>
internal sealed class CosmosViewStore(CosmosDatabase database, CosmosRequests requests) : IViewStore, IViewGenerations
{
    private const int MaxWriteAttempts = 10;
    private const string GenerationsId = "view-generations";

    public async Task<ViewDocument?> GetAsync(string kind, string id, CancellationToken cancellationToken = default) =>
        await GetAsync(kind, id, await LiveAsync(cancellationToken), cancellationToken);

    public async Task<ViewDocument?> GetAsync(string kind, string id, int generation, CancellationToken cancellationToken = default)
    {
        var found = await ReadAsync(ViewItem.StoredKind(kind, generation), id, cancellationToken);
        return found?.Item.ToDocument();
    }

    public async Task<bool> UpsertAsync(ViewDocument document, CancellationToken cancellationToken = default) =>
        await UpsertAsync(document, await LiveAsync(cancellationToken), cancellationToken);

    public async Task<bool> UpsertAsync(ViewDocument document, int generation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(document);
        var written = ViewItem.From(document, generation);
        var partition = new PartitionKey(written.Pk);
        for (var attempt = 1; attempt <= MaxWriteAttempts; attempt++)
        {
            var current = await ReadAsync(written.Kind, document.Id, cancellationToken);
            if (current is { Item.Version: var stored } && stored >= document.Version)
            {
                return false;
            }

            // A view keeps its first write's time (its place in the lists) through every replace.
            var item = current is { Item: var before } ? written with { CreatedAt = before.CreatedAt ?? before.UpdatedAt } : written;

            using var content = new MemoryStream(CosmosJson.Serialize(item));
            using var response = current is { } existing
                ? await requests.RunAsync(
                    "replace-view",
                    database.Views.Id,
                    () => database.Views.ReplaceItemStreamAsync(content, item.Id, partition, new ItemRequestOptions { IfMatchEtag = existing.ETag }, cancellationToken),
                    CosmosRequests.Outcome)
                : await requests.RunAsync(
                    "create-view",
                    database.Views.Id,
                    () => database.Views.CreateItemStreamAsync(content, partition, cancellationToken: cancellationToken),
                    CosmosRequests.Outcome);
            if (response.IsSuccessStatusCode)
            {
                return true;
            }

            // Another writer got there first (created it, replaced it, or a rebuild removed it): look again.
            if (response.StatusCode is not (HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound))
            {
                response.EnsureSuccessStatusCode();
            }
        }

        throw new InvalidOperationException($"The {document.Kind} view '{document.Id}' changed under {MaxWriteAttempts} write attempts in a row.");
    }

    /// <summary>
    /// One page through the SDK's own continuation (FeedIterator with a continuation token and
    /// MaxItemCount), never OFFSET: the service resumes the ORDER BY where the token says, so a page
    /// costs the same however deep it is. A page may hold fewer items than asked (the service cuts
    /// pages by its own budget too); it is empty only when the list ends. Newest first by createdAt,
    /// which no write changes (ties in resource id order, which a replace keeps too), so a view listed
    /// for the whole pass is on exactly one page while other views are written.
    /// </summary>
    public async Task<Page<ViewDocument>> ListForMemberAsync(string kind, string userId, PageRequest page, CancellationToken cancellationToken = default)
    {
        var live = await LiveAsync(cancellationToken);
        var query = new QueryDefinition("SELECT * FROM c WHERE ARRAY_CONTAINS(c.members, @user) AND c.kind = @kind ORDER BY c.createdAt DESC")
            .WithParameter("@user", userId)
            .WithParameter("@kind", ViewItem.StoredKind(kind, live));
        return await CosmosPaging.ReadPageAsync<ViewItem, ViewDocument>(
            database.Views, query, page, v => v.ToDocument(), requests, "list-views", cancellationToken);
    }

    /// <summary>
    /// Oldest first, through the SDK's continuation (never OFFSET). Stable for a list of one status:
    /// every order event changes the order's status, so an order stays in one status list exactly as
    /// long as its updatedAt stays the same.
    /// </summary>
    public async Task<Page<ViewDocument>> ListByStatusAsync(string kind, string status, DateTimeOffset before, PageRequest page, CancellationToken cancellationToken = default)
    {
        var live = await LiveAsync(cancellationToken);

        // updatedAt is stored as the serializer writes a DateTimeOffset; the bound is written the same way.
        var bound = System.Text.Json.JsonSerializer.SerializeToElement(before, CosmosJson.Options).GetString();
        var query = new QueryDefinition("SELECT * FROM c WHERE c.kind = @kind AND c.updatedAt < @before AND c.json.status = @status ORDER BY c.updatedAt")
            .WithParameter("@kind", ViewItem.StoredKind(kind, live))
            .WithParameter("@before", bound)
            .WithParameter("@status", status);
        return await CosmosPaging.ReadPageAsync<ViewItem, ViewDocument>(
            database.Views, query, page, v => v.ToDocument(), requests, "list-views-by-status", cancellationToken);
    }

    public Task ClearAsync(CancellationToken cancellationToken = default) =>
        DeleteAsync(new QueryDefinition("SELECT c.id, c.pk FROM c"), cancellationToken);

    public async Task<ViewGenerationState> ReadAsync(CancellationToken cancellationToken = default)
    {
        await database.ReadyAsync(cancellationToken);
        var found = await requests.ReadItemAsync<GenerationsItem>(database.Leases, GenerationsId, new PartitionKey(GenerationsId), "read-view-generations", cancellationToken);
        return found is { } stored ? stored.Item.State with { ETag = stored.ETag } : ViewGenerationState.Initial;
    }

    public async Task<bool> TrySaveAsync(ViewGenerationState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(state);
        await database.ReadyAsync(cancellationToken);
        var partition = new PartitionKey(GenerationsId);
        using var content = new MemoryStream(CosmosJson.Serialize(new GenerationsItem { Id = GenerationsId, State = state with { ETag = null } }));
        using var response = state.ETag is { } etag
            ? await requests.RunAsync(
                "replace-view-generations",
                database.Leases.Id,
                () => database.Leases.ReplaceItemStreamAsync(content, GenerationsId, partition, new ItemRequestOptions { IfMatchEtag = etag }, cancellationToken),
                CosmosRequests.Outcome)
            : await requests.RunAsync(
                "create-view-generations",
                database.Leases.Id,
                () => database.Leases.CreateItemStreamAsync(content, partition, cancellationToken: cancellationToken),
                CosmosRequests.Outcome);
        if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.PreconditionFailed or HttpStatusCode.NotFound)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }

    public async Task DropAsync(int generation, CancellationToken cancellationToken = default)
    {
        if (await LiveAsync(cancellationToken) == generation)
        {
            throw new InvalidOperationException($"Generation {generation} of the views is live; it cannot be dropped.");
        }

        var query = generation == 1
            ? new QueryDefinition("SELECT c.id, c.pk FROM c WHERE CONTAINS(c.kind, '@') = false")
            : new QueryDefinition("SELECT c.id, c.pk FROM c WHERE ENDSWITH(c.kind, @suffix)").WithParameter("@suffix", ViewItem.StoredKind(string.Empty, generation));
        await DeleteAsync(query, cancellationToken);
    }

    private async Task<int> LiveAsync(CancellationToken cancellationToken) => (await ReadAsync(cancellationToken)).Live;

    private async Task DeleteAsync(QueryDefinition keys, CancellationToken cancellationToken)
    {
        await database.ReadyAsync(cancellationToken);
        using var iterator = database.Views.GetItemQueryIterator<ViewKey>(keys);
        while (iterator.HasMoreResults)
        {
            var page = await requests.RunAsync(
                "list-views", database.Views.Id, () => iterator.ReadNextAsync(cancellationToken), r => new RequestOutcome(r.StatusCode, r.RequestCharge));
            foreach (var key in page)
            {
                using var deleted = await requests.RunAsync(
                    "delete-view",
                    database.Views.Id,
                    () => database.Views.DeleteItemStreamAsync(key.Id, new PartitionKey(key.Pk), cancellationToken: cancellationToken),
                    CosmosRequests.Outcome);
                if (deleted.StatusCode != HttpStatusCode.NotFound)
                {
                    deleted.EnsureSuccessStatusCode();
                }
            }
        }
    }

    private async Task<(ViewItem Item, string ETag)?> ReadAsync(string kind, string id, CancellationToken cancellationToken)
    {
        // "kind-id" must name one view only, so a kind never contains the separator.
        ArgumentException.ThrowIfNullOrEmpty(kind);
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (kind.Contains('-', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A view kind cannot contain '-': '{kind}'.", nameof(kind));
        }

        await database.ReadyAsync(cancellationToken);
        var key = ViewItem.IdOf(kind, id);
        return await requests.ReadItemAsync<ViewItem>(database.Views, key, new PartitionKey(key), "read-view", cancellationToken);
    }

    private sealed record ViewKey(string Id, string Pk);

    private sealed record GenerationsItem
    {
        public required string Id { get; init; }

        public required ViewGenerationState State { get; init; }
    }
}
