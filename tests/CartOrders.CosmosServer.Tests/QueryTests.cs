using Microsoft.Azure.Cosmos;

namespace CartOrders.CosmosServer.Tests;

public sealed class QueryTests
{
    private static CancellationToken Ct => LocalCosmos.Ct;

    private static async Task SeedAsync(Container container, int perKey, params string[] keys)
    {
        foreach (var key in keys)
        {
            for (var n = perKey; n >= 1; n--)
            {
                await container.CreateItemAsync(new Doc($"{key}-{n}", key, n, n % 2 == 0 ? "even" : "odd"), new PartitionKey(key), cancellationToken: Ct);
            }
        }
    }

    [Fact]
    public async Task A_single_partition_query_pages_by_max_item_count_and_resumes_from_a_continuation()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        await SeedAsync(container, 25, "s1", "s2");
        var query = new QueryDefinition("SELECT * FROM c WHERE c.n >= @from ORDER BY c.n").WithParameter("@from", 3);
        var options = new QueryRequestOptions { PartitionKey = new PartitionKey("s1"), MaxItemCount = 10 };

        using var iterator = container.GetItemQueryIterator<Doc>(query, requestOptions: options);
        var first = await iterator.ReadNextAsync(Ct);
        Assert.Equal(Enumerable.Range(3, 10), first.Select(d => d.N));
        Assert.NotNull(first.ContinuationToken);

        // A new iterator from the first page's continuation goes on where it stopped.
        var rest = new List<int>();
        using var resumed = container.GetItemQueryIterator<Doc>(query, first.ContinuationToken, options);
        var pages = 0;
        while (resumed.HasMoreResults)
        {
            var page = await resumed.ReadNextAsync(Ct);
            Assert.True(page.Count <= 10);
            rest.AddRange(page.Select(d => d.N));
            pages++;
        }

        Assert.Equal(Enumerable.Range(13, 13), rest);
        Assert.Equal(2, pages);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    public async Task A_cross_partition_order_by_query_merges_every_range_in_order(int ranges)
    {
        await using var cosmos = await LocalCosmos.StartAsync(ranges);
        var container = await cosmos.ContainerAsync();
        var keys = Enumerable.Range(0, 12).Select(i => "key-" + i).ToArray();
        await SeedAsync(container, 3, keys);
        var query = new QueryDefinition("SELECT * FROM c WHERE c.tag = @tag ORDER BY c.n DESC, c.id").WithParameter("@tag", "odd");

        var found = new List<Doc>();
        using var iterator = container.GetItemQueryIterator<Doc>(query, requestOptions: new QueryRequestOptions { MaxItemCount = 5 });
        while (iterator.HasMoreResults)
        {
            found.AddRange(await iterator.ReadNextAsync(Ct));
        }

        var expected = keys.SelectMany(k => new[] { new Doc($"{k}-3", k, 3, "odd"), new Doc($"{k}-1", k, 1, "odd") })
            .OrderByDescending(d => d.N).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
        Assert.Equal(expected, found);
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(4, false)]
    [InlineData(4, true)]
    public async Task A_cross_partition_order_by_query_resumes_from_a_continuation_in_a_new_iterator(int ranges, bool descending)
    {
        await using var cosmos = await LocalCosmos.StartAsync(ranges);
        var container = await cosmos.ContainerAsync();
        var keys = Enumerable.Range(0, 8).Select(i => "key-" + i).ToArray();
        await SeedAsync(container, 4, keys);
        var query = new QueryDefinition("SELECT * FROM c ORDER BY c.n" + (descending ? " DESC" : string.Empty));
        var options = new QueryRequestOptions { MaxItemCount = 5 };

        var seen = new List<Doc>();
        string? continuation = null;
        var pages = 0;
        do
        {
            using var iterator = container.GetItemQueryIterator<Doc>(query, continuation, options);
            var page = await iterator.ReadNextAsync(Ct);
            seen.AddRange(page);
            continuation = page.ContinuationToken;
            pages++;
        }
        while (continuation is not null && pages < 50);

        Assert.Equal(32, seen.Count);
        Assert.Equal(32, seen.Select(d => d.Id).Distinct().Count());
        Assert.Equal(descending ? seen.Select(d => d.N).OrderDescending() : seen.Select(d => d.N).Order(), seen.Select(d => d.N));
    }

    [Fact]
    public async Task Projections_array_contains_and_value_queries_select_what_they_name()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        await container.CreateItemAsync(new { id = "v1", pk = "a", members = new[] { "alice", "bob" }, kind = "cart" }, new PartitionKey("a"), cancellationToken: Ct);
        await container.CreateItemAsync(new { id = "v2", pk = "b", members = new[] { "carol" }, kind = "cart" }, new PartitionKey("b"), cancellationToken: Ct);

        using var members = container.GetItemQueryIterator<IdAndKey>(
            new QueryDefinition("SELECT c.id, c.pk FROM c WHERE ARRAY_CONTAINS(c.members, @user) AND c.kind = @kind").WithParameter("@user", "bob").WithParameter("@kind", "cart"));
        Assert.Equal([new IdAndKey("v1", "a")], (await members.ReadNextAsync(Ct)).Resource);

        using var values = container.GetItemQueryIterator<string>("SELECT VALUE c.id FROM c ORDER BY c.id DESC");
        var ids = new List<string>();
        while (values.HasMoreResults)
        {
            ids.AddRange(await values.ReadNextAsync(Ct));
        }

        Assert.Equal(["v2", "v1"], ids);
    }

    [Fact]
    public async Task A_query_the_server_cannot_parse_is_a_bad_request()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();

        using var iterator = container.GetItemQueryStreamIterator("SELECT FROM WHERE", requestOptions: new QueryRequestOptions { PartitionKey = new PartitionKey("a") });
        using var response = await iterator.ReadNextAsync(Ct);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
    }

    public sealed record IdAndKey(string Id, string Pk);
}
