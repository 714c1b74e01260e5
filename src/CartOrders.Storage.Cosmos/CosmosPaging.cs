using System.Net;
using CartOrders.Application.Ports;
using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// Reads one page of a query with the SDK's continuation token (never OFFSET, whose cost grows
/// with the depth of the page). The token the SDK hands back is the page's continuation as is.
/// </summary>
internal static class CosmosPaging
{
    /// <summary>Bounds the empty pages a cross-partition query may return before its first item.</summary>
    private const int MaxEmptyReads = 16;

    public static QueryRequestOptions Options(PageRequest page, PartitionKey? partitionKey = null) =>
        new() { MaxItemCount = page.Limit, PartitionKey = partitionKey };

    public static async Task<Page<TResult>> ReadPageAsync<TItem, TResult>(
        Container container,
        QueryDefinition query,
        PageRequest page,
        Func<TItem, TResult> map,
        CosmosRequests requests,
        string operation,
        CancellationToken cancellationToken,
        PartitionKey? partitionKey = null)
    {
        ArgumentNullException.ThrowIfNull(container);
        ArgumentNullException.ThrowIfNull(map);
        ArgumentNullException.ThrowIfNull(requests);
        if (page.After is { Length: 0 })
        {
            throw new InvalidContinuationException("An empty continuation.");
        }

        var items = new List<TResult>();
        string? next = null;
        try
        {
            using var iterator = container.GetItemQueryIterator<TItem>(query, page.After, Options(page, partitionKey));
            for (var read = 0; iterator.HasMoreResults && items.Count == 0 && read < MaxEmptyReads; read++)
            {
                var response = await requests.RunAsync(
                    operation, container.Id, () => iterator.ReadNextAsync(cancellationToken), r => new RequestOutcome(r.StatusCode, r.RequestCharge));
                items.AddRange(response.Select(map));
                next = response.ContinuationToken;
            }
        }
        catch (CosmosException error) when (error.StatusCode == HttpStatusCode.BadRequest && page.After is not null)
        {
            throw new InvalidContinuationException("The store refused the continuation.", error);
        }
        catch (Exception error) when (page.After is not null && error is ArgumentException or FormatException or System.Text.Json.JsonException)
        {
            throw new InvalidContinuationException("The store could not read the continuation.", error);
        }

        return new Page<TResult>(items, next);
    }
}
