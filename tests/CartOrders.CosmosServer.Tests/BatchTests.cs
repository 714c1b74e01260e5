using System.Net;
using Microsoft.Azure.Cosmos;

namespace CartOrders.CosmosServer.Tests;

public sealed class BatchTests
{
    private static CancellationToken Ct => LocalCosmos.Ct;

    [Fact]
    public async Task A_batch_commits_every_operation_and_reports_each_result()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        var existing = await container.CreateItemAsync(new Doc("tip", "s1", 1), new PartitionKey("s1"), cancellationToken: Ct);
        await container.CreateItemAsync(new Doc("old", "s1", 0), new PartitionKey("s1"), cancellationToken: Ct);

        using var response = await container.CreateTransactionalBatch(new PartitionKey("s1"))
            .CreateItem(new Doc("e2", "s1", 2))
            .ReplaceItem("tip", new Doc("tip", "s1", 2), new TransactionalBatchItemRequestOptions { IfMatchEtag = existing.ETag })
            .UpsertItem(new Doc("u", "s1", 5))
            .ReadItem("e2")
            .DeleteItem("old")
            .ExecuteAsync(Ct);

        Assert.True(response.IsSuccessStatusCode, response.ErrorMessage);
        Assert.Equal(
            [HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.NoContent],
            response.Select(r => r.StatusCode));
        Assert.Equal(2, response.GetOperationResultAtIndex<Doc>(3).Resource.N);
        Assert.False(string.IsNullOrEmpty(response[1].ETag));
        Assert.Equal(2, (await container.ReadItemAsync<Doc>("tip", new PartitionKey("s1"), cancellationToken: Ct)).Resource.N);
    }

    [Fact]
    public async Task A_failing_operation_rolls_back_the_whole_batch_and_the_others_report_failed_dependency()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        var tip = await container.CreateItemAsync(new Doc("tip", "s1", 1), new PartitionKey("s1"), cancellationToken: Ct);
        await container.ReplaceItemAsync(new Doc("tip", "s1", 2), "tip", new PartitionKey("s1"), cancellationToken: Ct);

        using var response = await container.CreateTransactionalBatch(new PartitionKey("s1"))
            .CreateItem(new Doc("e2", "s1", 2))
            .ReplaceItem("tip", new Doc("tip", "s1", 3), new TransactionalBatchItemRequestOptions { IfMatchEtag = tip.ETag })
            .CreateItem(new Doc("idem", "s1", 0))
            .ExecuteAsync(Ct);

        Assert.False(response.IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        Assert.Equal([HttpStatusCode.FailedDependency, HttpStatusCode.PreconditionFailed, HttpStatusCode.FailedDependency], response.Select(r => r.StatusCode));
        using var e2 = await container.ReadItemStreamAsync("e2", new PartitionKey("s1"), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.NotFound, e2.StatusCode);
        Assert.Equal(2, (await container.ReadItemAsync<Doc>("tip", new PartitionKey("s1"), cancellationToken: Ct)).Resource.N);
    }

    [Fact]
    public async Task A_duplicate_create_in_a_batch_fails_it_with_409_on_that_operation()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        await container.CreateItemAsync(new Doc("1", "s1", 1), new PartitionKey("s1"), cancellationToken: Ct);

        using var response = await container.CreateTransactionalBatch(new PartitionKey("s1"))
            .CreateItem(new Doc("2", "s1", 2))
            .CreateItem(new Doc("1", "s1", 9))
            .ExecuteAsync(Ct);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal([HttpStatusCode.FailedDependency, HttpStatusCode.Conflict], response.Select(r => r.StatusCode));
        Assert.Equal(1, (await container.ReadItemAsync<Doc>("1", new PartitionKey("s1"), cancellationToken: Ct)).Resource.N);
    }

    [Fact]
    public async Task A_batch_of_more_than_100_operations_is_refused_as_a_bad_request()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        var batch = container.CreateTransactionalBatch(new PartitionKey("s1"));
        for (var i = 0; i < 101; i++)
        {
            batch.CreateItem(new Doc(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "s1", i));
        }

        using var response = await batch.ExecuteAsync(Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var query = container.GetItemQueryIterator<Doc>("SELECT * FROM c");
        Assert.Empty((await query.ReadNextAsync(Ct)).Resource);
    }

    [Fact]
    public async Task A_batch_over_2_mb_is_refused_as_too_large()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        var big = new string('x', 700 * 1024);

        using var response = await container.CreateTransactionalBatch(new PartitionKey("s1"))
            .CreateItem(new Doc("1", "s1", 1, big))
            .CreateItem(new Doc("2", "s1", 2, big))
            .CreateItem(new Doc("3", "s1", 3, big))
            .ExecuteAsync(Ct);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task A_throttled_batch_is_retried_by_the_sdk()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        cosmos.Server.Faults.Add(CosmosFault.Throttle(TimeSpan.FromMilliseconds(20), times: 1, when: r => r.Operation == "Batch"));

        using var response = await container.CreateTransactionalBatch(new PartitionKey("s1")).CreateItem(new Doc("1", "s1", 1)).ExecuteAsync(Ct);

        Assert.True(response.IsSuccessStatusCode, response.ErrorMessage);
        Assert.Equal([429, 200], cosmos.Server.Requests.Where(r => r.Request.Operation == "Batch").Select(r => r.StatusCode));
    }
}
