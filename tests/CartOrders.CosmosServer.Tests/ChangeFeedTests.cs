using System.Net;
using Microsoft.Azure.Cosmos;

namespace CartOrders.CosmosServer.Tests;

public sealed class ChangeFeedTests
{
    private static CancellationToken Ct => LocalCosmos.Ct;

    [Fact]
    public async Task The_feed_resumes_after_its_continuation_and_answers_not_modified_when_caught_up()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        for (var n = 1; n <= 5; n++)
        {
            await container.CreateItemAsync(new Doc("a" + n, "s1", n), new PartitionKey("s1"), cancellationToken: Ct);
        }

        var (first, continuation, pages) = await LocalCosmos.DrainAsync(container, ChangeFeedStartFrom.Beginning(), pageSize: 2);
        Assert.Equal([1, 2, 3, 4, 5], first.Select(d => d.N));
        Assert.Equal(3, pages);

        var (none, same, _) = await LocalCosmos.DrainAsync(container, ChangeFeedStartFrom.ContinuationToken(continuation), pageSize: 2);
        Assert.Empty(none);

        await container.UpsertItemAsync(new Doc("a2", "s1", 20), new PartitionKey("s1"), cancellationToken: Ct);
        await container.CreateItemAsync(new Doc("a6", "s1", 6), new PartitionKey("s1"), cancellationToken: Ct);
        var (next, _, _) = await LocalCosmos.DrainAsync(container, ChangeFeedStartFrom.ContinuationToken(same), pageSize: 10);
        Assert.Equal([20, 6], next.Select(d => d.N));
    }

    [Fact]
    public async Task The_items_of_one_batch_arrive_on_one_page_even_beyond_the_page_size()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        await container.CreateItemAsync(new Doc("before", "s1", 0), new PartitionKey("s1"), cancellationToken: Ct);
        using (var batch = await container.CreateTransactionalBatch(new PartitionKey("s1"))
            .CreateItem(new Doc("b1", "s1", 1)).CreateItem(new Doc("b2", "s1", 2)).CreateItem(new Doc("b3", "s1", 3))
            .ExecuteAsync(Ct))
        {
            Assert.True(batch.IsSuccessStatusCode);
        }

        using var iterator = container.GetChangeFeedIterator<Doc>(ChangeFeedStartFrom.Beginning(), ChangeFeedMode.LatestVersion, new ChangeFeedRequestOptions { PageSizeHint = 2 });
        var first = await iterator.ReadNextAsync(Ct);
        var second = await iterator.ReadNextAsync(Ct);

        Assert.Equal([0, 1, 2, 3], first.Select(d => d.N));
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    [Fact]
    public async Task Every_item_comes_once_per_range_and_in_write_order_per_partition_key()
    {
        await using var cosmos = await LocalCosmos.StartAsync(ranges: 4);
        var container = await cosmos.ContainerAsync();
        var keys = Enumerable.Range(0, 20).Select(i => "k" + i).ToArray();
        for (var n = 1; n <= 3; n++)
        {
            foreach (var key in keys)
            {
                await container.CreateItemAsync(new Doc($"{key}-{n}", key, n), new PartitionKey(key), cancellationToken: Ct);
            }
        }

        var ranges = await container.GetFeedRangesAsync(Ct);
        Assert.Equal(4, ranges.Count);
        var all = new List<Doc>();
        foreach (var range in ranges)
        {
            var (items, _, _) = await LocalCosmos.DrainAsync(container, ChangeFeedStartFrom.Beginning(range), pageSize: 7);
            all.AddRange(items);
        }

        Assert.Equal(60, all.Count);
        Assert.Equal(60, all.Select(d => d.Id).Distinct().Count());
        Assert.All(all.GroupBy(d => d.Pk), g => Assert.Equal([1, 2, 3], g.Select(d => d.N)));
    }

    [Fact]
    public async Task A_feed_continues_without_loss_or_repeat_across_a_split_of_its_range()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        var keys = Enumerable.Range(0, 10).Select(i => "k" + i).ToArray();
        foreach (var key in keys)
        {
            await container.CreateItemAsync(new Doc(key + "-1", key, 1), new PartitionKey(key), cancellationToken: Ct);
        }

        var (before, continuation, _) = await LocalCosmos.DrainAsync(container, ChangeFeedStartFrom.Beginning(), pageSize: 100);
        Assert.Equal(10, before.Count);

        cosmos.Server.SplitRange("db", container.Id, "0");
        Assert.Equal(2, cosmos.Server.RangeIds("db", container.Id).Count);
        foreach (var key in keys)
        {
            await container.CreateItemAsync(new Doc(key + "-2", key, 2), new PartitionKey(key), cancellationToken: Ct);
        }

        var (after, _, _) = await LocalCosmos.DrainAsync(container, ChangeFeedStartFrom.ContinuationToken(continuation), pageSize: 3);
        Assert.Equal(keys.Select(k => k + "-2").Order(StringComparer.Ordinal), after.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.Contains(cosmos.Server.Requests, r => r.StatusCode == 410);
    }

    [Fact]
    public async Task A_split_in_the_middle_of_a_feed_read_loses_and_repeats_nothing()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        var keys = Enumerable.Range(0, 12).Select(i => "k" + i).ToArray();
        foreach (var key in keys)
        {
            await container.CreateItemAsync(new Doc(key, key, 1), new PartitionKey(key), cancellationToken: Ct);
        }

        var feedReads = 0;
        cosmos.Server.Faults.Add(CosmosFault.Run(
            _ => cosmos.Server.SplitRange("db", container.Id, "0"),
            when: r => r.Operation == "ChangeFeed" && Interlocked.Increment(ref feedReads) == 2));

        var (items, _, _) = await LocalCosmos.DrainAsync(container, ChangeFeedStartFrom.Beginning(), pageSize: 3);

        Assert.Equal(keys.Order(StringComparer.Ordinal), items.Select(d => d.Id).Order(StringComparer.Ordinal));
        Assert.Equal(["1", "2"], cosmos.Server.RangeIds("db", container.Id));
        Assert.Contains(cosmos.Server.Requests, r => r.Request.Operation == "ChangeFeed" && r.StatusCode == 410);
    }
}
