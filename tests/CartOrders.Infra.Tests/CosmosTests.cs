using System.Text.Json;
using CartOrders.Infra.Tests.Support;

namespace CartOrders.Infra.Tests;

public sealed class CosmosTests(InfraFixture infra)
{
    private const string Account = "Microsoft.DocumentDB/databaseAccounts";
    private const string Database = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases";
    private const string Container = "Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers";

    private JsonElement ContainerResource(string id) =>
        infra.Template.OfType(Container).Single(c => c.Properties.Text("resource.id") == id).Properties.At("resource");

    [Fact]
    public void Events_container_is_partitioned_by_stream_id()
    {
        var events = ContainerResource("events");

        Assert.Equal(["/streamId"], events.Strings("partitionKey.paths"));
        Assert.Equal("Hash", events.Text("partitionKey.kind"));
    }

    [Fact]
    public void Views_and_leases_containers_exist_with_their_partition_keys()
    {
        Assert.Equal(["/pk"], ContainerResource("views").Strings("partitionKey.paths"));
        Assert.Equal(["/id"], ContainerResource("leases").Strings("partitionKey.paths"));
        Assert.Equal(
            ["events", "leases", "views"],
            infra.Template.OfType(Container).Select(c => c.Properties.Text("resource.id")).Order());
    }

    [Fact]
    public void Events_container_indexes_the_envelope_and_never_the_data_payload()
    {
        var policy = ContainerResource("events").At("indexingPolicy");

        Assert.Equal("consistent", policy.Text("indexingMode"));
        Assert.Equal(
            ["/_ts/?", "/kind/?", "/streamId/?", "/userId/?", "/version/?"],
            policy.Paths("includedPaths").Order(StringComparer.Ordinal));
        Assert.Contains("/*", policy.Paths("excludedPaths"));
        Assert.DoesNotContain(policy.Paths("includedPaths"), p => p.StartsWith("/data", StringComparison.Ordinal) || p == "/*");
    }

    [Fact]
    public void Events_container_keeps_items_until_they_set_their_own_ttl()
    {
        Assert.Equal(-1, ContainerResource("events").At("defaultTtl").GetInt32());
    }

    [Fact]
    public void Views_container_indexes_only_what_list_queries_filter_on()
    {
        var policy = ContainerResource("views").At("indexingPolicy");

        Assert.Equal("consistent", policy.Text("indexingMode"));
        Assert.Equal(
            ["/createdAt/?", "/customerId/?", "/kind/?", "/members/*", "/updatedAt/?"],
            policy.Paths("includedPaths").Order(StringComparer.Ordinal));
        Assert.Equal(["/*"], policy.Paths("excludedPaths"));
    }

    [Fact]
    public void Cosmos_account_accepts_only_entra_id_and_uses_strong_consistency_so_every_instance_reads_its_writes()
    {
        var account = infra.Template.One(Account).Properties;

        Assert.True(account.At("disableLocalAuth").GetBoolean());
        Assert.True(account.At("disableKeyBasedMetadataWriteAccess").GetBoolean());
        Assert.Equal("Strong", account.Text("consistencyPolicy.defaultConsistencyLevel"));
    }

    [Fact]
    public void Cosmos_is_serverless_by_default()
    {
        var account = infra.Defaults.One(Account);
        var database = infra.Defaults.One(Database);

        Assert.Equal(["EnableServerless"], account.At("properties.capabilities").EnumerateArray().Select(c => c.Text("name")));
        Assert.Equal("cartorders", database.Text("properties.resource.id"));
        Assert.False(database.Has("properties.options.autoscaleSettings"));
        Assert.False(database.Has("properties.options.throughput"));
    }

    [Fact]
    public void Autoscale_mode_drops_serverless_and_gives_the_database_autoscale_throughput()
    {
        var account = infra.Overrides.One(Account);
        var database = infra.Overrides.One(Database);

        Assert.Empty(account.At("properties.capabilities").EnumerateArray());
        Assert.Equal(4000, database.At("properties.options.autoscaleSettings.maxThroughput").GetInt32());
        Assert.All(
            infra.Overrides.OfType(Container),
            c => Assert.False(c.Has("properties.options.autoscaleSettings"), "containers share the database throughput"));
    }
}
