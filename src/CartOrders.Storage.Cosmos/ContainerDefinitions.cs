using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos;

/// <summary>
/// The three containers, their partition keys and indexing policies. Only the paths the store
/// filters or sorts on are indexed; payloads (<c>data</c>, <c>state</c>, <c>body</c>, <c>json</c>)
/// never are, which keeps writes cheap. docs/cosmos.md carries the same policies as JSON and Bicep.
/// </summary>
internal static class ContainerDefinitions
{
    public const string EventsPartitionKey = "/streamId";
    public const string ViewsPartitionKey = "/pk";
    public const string LeasesPartitionKey = "/id";

    /// <summary>Events, tips and idempotency records. TTL on with no default (-1): only items with their own <c>ttl</c> expire.</summary>
    public static ContainerProperties Events(string name) => new(name, EventsPartitionKey)
    {
        PartitionKeyDefinitionVersion = PartitionKeyDefinitionVersion.V2,
        DefaultTimeToLive = -1,
        IndexingPolicy = Policy("/kind/?", "/streamId/?", "/version/?"),
    };

    /// <summary>Views: lists filter on kind and members and sort by createdAt (a member's list) or updatedAt (a status list).</summary>
    public static ContainerProperties Views(string name) => new(name, ViewsPartitionKey)
    {
        PartitionKeyDefinitionVersion = PartitionKeyDefinitionVersion.V2,
        IndexingPolicy = Policy("/kind/?", "/members/[]/?", "/updatedAt/?", "/createdAt/?"),
    };

    /// <summary>
    /// Feed bookkeeping: checkpoints and the parked-streams lists are point-read; parked events are
    /// listed by subscription and stream (operator actions, sorted in memory).
    /// </summary>
    public static ContainerProperties Leases(string name) => new(name, LeasesPartitionKey)
    {
        PartitionKeyDefinitionVersion = PartitionKeyDefinitionVersion.V2,
        IndexingPolicy = Policy("/kind/?", "/subscription/?", "/streamId/?"),
    };

    private static IndexingPolicy Policy(params string[] included)
    {
        var policy = new IndexingPolicy { Automatic = true, IndexingMode = IndexingMode.Consistent };
        foreach (var path in included)
        {
            policy.IncludedPaths.Add(new IncludedPath { Path = path });
        }

        policy.ExcludedPaths.Add(new ExcludedPath { Path = "/*" });
        return policy;
    }
}
