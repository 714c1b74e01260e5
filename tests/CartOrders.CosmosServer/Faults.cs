namespace CartOrders.CosmosServer;

/// <summary>What the local server knows of a request when it decides on a fault or records it.</summary>
/// <param name="Operation">ReadAccount, CreateDatabase, ReadDatabase, DeleteDatabase, ReadDatabaseFeed, CreateContainer, ReadContainer, DeleteContainer, ReadContainerFeed, ReadPartitionKeyRanges, CreateItem, UpsertItem, ReadItem, ReplaceItem, DeleteItem, Query, QueryPlan, Batch, ChangeFeed, ReadFeed.</param>
/// <param name="Container">The container's id, when the request concerns one.</param>
/// <param name="PartitionKey">The partition key header, or the partition key range id of a feed or query, when there is one.</param>
public sealed record CosmosRequest(string Method, string Path, string Operation, string? Container, string? PartitionKey);

/// <summary>A request as it was answered: for counting round trips and bytes per operation.</summary>
public sealed record CosmosRequestRecord(CosmosRequest Request, int StatusCode, long BytesIn, long BytesOut, TimeSpan Duration);

/// <summary>
/// A fault the local server answers instead of serving a request that <see cref="When"/> matches,
/// <see cref="Times"/> times (then it is spent). A status of 0 only delays the request by
/// <see cref="Delay"/> and then serves it.
/// </summary>
public sealed record CosmosFault
{
    public Func<CosmosRequest, bool> When { get; init; } = _ => true;

    public int StatusCode { get; init; } = 429;

    public int SubStatusCode { get; init; }

    /// <summary>Sent as <c>x-ms-retry-after-ms</c> with a 429 or 503.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Waited before answering (the fault, or the real answer when the status is 0).</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Run when the fault matches, before the delay and the answer: for example a split of the range the request reads.</summary>
    public Action<CosmosRequest>? BeforeServing { get; init; }

    /// <summary>How many matching requests it applies to; int.MaxValue for all of them.</summary>
    public int Times { get; init; } = 1;

    /// <summary>429 Too Many Requests (substatus 3200, "request rate is large") with the service's retry-after header.</summary>
    public static CosmosFault Throttle(TimeSpan retryAfter, int times = 1, Func<CosmosRequest, bool>? when = null) =>
        new() { StatusCode = 429, SubStatusCode = 3200, RetryAfter = retryAfter, Times = times, When = when ?? (_ => true) };

    /// <summary>503 Service Unavailable.</summary>
    public static CosmosFault Unavailable(int times = 1, Func<CosmosRequest, bool>? when = null) =>
        new() { StatusCode = 503, Times = times, When = when ?? (_ => true) };

    /// <summary>Runs an action (such as <see cref="LocalCosmosServer.SplitRange"/>) when a matching request arrives, then serves it.</summary>
    public static CosmosFault Run(Action<CosmosRequest> action, int times = 1, Func<CosmosRequest, bool>? when = null) =>
        new() { StatusCode = 0, BeforeServing = action, Times = times, When = when ?? (_ => true) };

    /// <summary>Serves the request, but only after a delay.</summary>
    public static CosmosFault Slow(TimeSpan delay, int times = int.MaxValue, Func<CosmosRequest, bool>? when = null) =>
        new() { StatusCode = 0, Delay = delay, Times = times, When = when ?? (_ => true) };
}

/// <summary>The faults a test configured on its server, tried in the order they were added.</summary>
public sealed class CosmosFaults
{
    private readonly Lock _lock = new();
    private readonly List<(CosmosFault Fault, int Left)> _faults = [];

    public void Add(CosmosFault fault)
    {
        ArgumentNullException.ThrowIfNull(fault);
        lock (_lock)
        {
            _faults.Add((fault, fault.Times));
        }
    }

    public void Clear()
    {
        lock (_lock)
        {
            _faults.Clear();
        }
    }

    /// <summary>The fault for this request, if one matches; it is used up by one.</summary>
    internal CosmosFault? Take(CosmosRequest request)
    {
        lock (_lock)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var (fault, left) = _faults[i];
                if (fault.When(request))
                {
                    if (left == 1)
                    {
                        _faults.RemoveAt(i);
                    }
                    else if (left != int.MaxValue)
                    {
                        _faults[i] = (fault, left - 1);
                    }

                    return fault;
                }
            }

            return null;
        }
    }
}
