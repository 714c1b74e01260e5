using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos.Tests;

public sealed class ContainerDefinitionsTests
{
    private static readonly string[] s_payloads = ["/data", "/state", "/body", "/json", "/fingerprint"];

    [Fact]
    public void Events_are_partitioned_by_stream_with_ttl_on_and_only_the_envelope_indexed()
    {
        var events = ContainerDefinitions.Events("events");

        Assert.Equal("/streamId", events.PartitionKeyPath);
        Assert.Equal(-1, events.DefaultTimeToLive);
        Assert.Equal(["/*"], events.IndexingPolicy.ExcludedPaths.Select(p => p.Path));
        Assert.Equal(["/kind/?", "/streamId/?", "/version/?"], events.IndexingPolicy.IncludedPaths.Select(p => p.Path));
        AssertPayloadsNotIndexed(events.IndexingPolicy);
    }

    [Fact]
    public void Views_index_what_lists_filter_and_sort_on_and_not_the_view_json()
    {
        var views = ContainerDefinitions.Views("views");

        Assert.Equal("/pk", views.PartitionKeyPath);
        Assert.Null(views.DefaultTimeToLive);
        Assert.Equal(["/*"], views.IndexingPolicy.ExcludedPaths.Select(p => p.Path));
        Assert.Equal(["/kind/?", "/members/[]/?", "/updatedAt/?", "/createdAt/?"], views.IndexingPolicy.IncludedPaths.Select(p => p.Path));
        AssertPayloadsNotIndexed(views.IndexingPolicy);
    }

    [Fact]
    public void Leases_are_keyed_by_id_and_index_only_what_parked_events_are_listed_by()
    {
        var leases = ContainerDefinitions.Leases("leases");

        Assert.Equal("/id", leases.PartitionKeyPath);
        Assert.Equal(["/kind/?", "/subscription/?", "/streamId/?"], leases.IndexingPolicy.IncludedPaths.Select(p => p.Path));
        Assert.Equal(["/*"], leases.IndexingPolicy.ExcludedPaths.Select(p => p.Path));
        AssertPayloadsNotIndexed(leases.IndexingPolicy);
    }

    [Fact]
    public void Every_container_uses_consistent_indexing_and_hash_v2_partition_keys()
    {
        foreach (var container in new[] { ContainerDefinitions.Events("e"), ContainerDefinitions.Views("v"), ContainerDefinitions.Leases("l") })
        {
            Assert.Equal(IndexingMode.Consistent, container.IndexingPolicy.IndexingMode);
            Assert.Equal(PartitionKeyDefinitionVersion.V2, container.PartitionKeyDefinitionVersion);
        }
    }

    private static void AssertPayloadsNotIndexed(IndexingPolicy policy) =>
        Assert.DoesNotContain(policy.IncludedPaths, p => s_payloads.Any(payload => p.Path.StartsWith(payload, StringComparison.Ordinal)));
}
