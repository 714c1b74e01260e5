using System.Net;
using Microsoft.Azure.Cosmos;

namespace CartOrders.CosmosServer.Tests;

public sealed class ItemTests
{
    private static CancellationToken Ct => LocalCosmos.Ct;

    [Fact]
    public async Task Items_are_created_read_replaced_upserted_and_deleted_with_their_etags()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();

        var created = await container.CreateItemAsync(new Doc("a", "p1", 1), new PartitionKey("p1"), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.False(string.IsNullOrEmpty(created.ETag));

        var read = await container.ReadItemAsync<Doc>("a", new PartitionKey("p1"), cancellationToken: Ct);
        Assert.Equal(1, read.Resource.N);
        Assert.Equal(created.ETag, read.ETag);

        var replaced = await container.ReplaceItemAsync(new Doc("a", "p1", 2), "a", new PartitionKey("p1"), new ItemRequestOptions { IfMatchEtag = read.ETag }, Ct);
        Assert.NotEqual(read.ETag, replaced.ETag);

        var upserted = await container.UpsertItemAsync(new Doc("a", "p1", 3), new PartitionKey("p1"), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, upserted.StatusCode);
        var inserted = await container.UpsertItemAsync(new Doc("b", "p1", 1), new PartitionKey("p1"), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.Created, inserted.StatusCode);

        var deleted = await container.DeleteItemAsync<Doc>("a", new PartitionKey("p1"), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        var gone = await Assert.ThrowsAsync<CosmosException>(() => container.ReadItemAsync<Doc>("a", new PartitionKey("p1"), cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task A_replace_with_a_stale_etag_is_refused_with_412_and_changes_nothing()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        var first = await container.CreateItemAsync(new Doc("a", "p1", 1), new PartitionKey("p1"), cancellationToken: Ct);
        await container.ReplaceItemAsync(new Doc("a", "p1", 2), "a", new PartitionKey("p1"), new ItemRequestOptions { IfMatchEtag = first.ETag }, Ct);

        var stale = await Assert.ThrowsAsync<CosmosException>(() =>
            container.ReplaceItemAsync(new Doc("a", "p1", 3), "a", new PartitionKey("p1"), new ItemRequestOptions { IfMatchEtag = first.ETag }, Ct));

        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(2, (await container.ReadItemAsync<Doc>("a", new PartitionKey("p1"), cancellationToken: Ct)).Resource.N);
    }

    [Fact]
    public async Task A_duplicate_id_in_the_same_partition_key_is_a_conflict_but_not_in_another()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        await container.CreateItemAsync(new Doc("a", "p1", 1), new PartitionKey("p1"), cancellationToken: Ct);

        var duplicate = await Assert.ThrowsAsync<CosmosException>(() => container.CreateItemAsync(new Doc("a", "p1", 2), new PartitionKey("p1"), cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        await container.CreateItemAsync(new Doc("a", "p2", 3), new PartitionKey("p2"), cancellationToken: Ct);
    }

    [Fact]
    public async Task A_read_with_the_current_etag_in_if_none_match_answers_not_modified()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        var created = await container.CreateItemAsync(new Doc("a", "p1", 1), new PartitionKey("p1"), cancellationToken: Ct);

        using var response = await container.ReadItemStreamAsync("a", new PartitionKey("p1"), new ItemRequestOptions { IfNoneMatchEtag = created.ETag }, Ct);

        Assert.Equal(HttpStatusCode.NotModified, response.StatusCode);
    }

    [Fact]
    public async Task A_document_whose_partition_key_differs_from_the_request_is_refused()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();

        var wrong = await Assert.ThrowsAsync<CosmosException>(() => container.CreateItemAsync(new Doc("a", "p1", 1), new PartitionKey("p2"), cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
    }

    [Fact]
    public async Task A_client_signing_with_another_key_is_refused_as_unauthorized()
    {
        await using var server = await LocalCosmosServer.StartAsync(new LocalCosmosServerOptions { AccountKey = Convert.ToBase64String(new byte[64]) }, Ct);
        using var client = new CosmosClient(server.Endpoint.AbsoluteUri, LocalCosmosServer.WellKnownKey, new CosmosClientOptions { ConnectionMode = ConnectionMode.Gateway, LimitToEndpoint = true });

        var refused = await Assert.ThrowsAsync<CosmosException>(() => client.CreateDatabaseIfNotExistsAsync("db", cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.DoesNotContain(server.Requests, r => r.StatusCode is >= 200 and < 300);
    }

    [Fact]
    public async Task Databases_and_containers_are_created_once_and_found_again()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var first = await cosmos.Client.CreateDatabaseIfNotExistsAsync("shop", cancellationToken: Ct);
        var again = await cosmos.Client.CreateDatabaseIfNotExistsAsync("shop", cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);

        var container = await first.Database.CreateContainerIfNotExistsAsync("orders", "/customer", cancellationToken: Ct);
        var read = await container.Container.ReadContainerAsync(cancellationToken: Ct);
        Assert.Equal("/customer", read.Resource.PartitionKeyPath);
        Assert.Equal(PartitionKeyDefinitionVersion.V2, read.Resource.PartitionKeyDefinitionVersion);
        Assert.Equal(HttpStatusCode.OK, (await first.Database.CreateContainerIfNotExistsAsync("orders", "/customer", cancellationToken: Ct)).StatusCode);

        await first.Database.DeleteAsync(cancellationToken: Ct);
        var missing = await Assert.ThrowsAsync<CosmosException>(() => cosmos.Client.GetDatabase("shop").ReadAsync(cancellationToken: Ct));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task Throttled_requests_are_retried_by_the_sdk_after_the_retry_after_the_server_sends()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        await container.CreateItemAsync(new Doc("a", "p1", 1), new PartitionKey("p1"), cancellationToken: Ct);
        cosmos.Server.Faults.Add(CosmosFault.Throttle(TimeSpan.FromMilliseconds(50), times: 2, when: r => r.Operation == "ReadItem"));
        var before = cosmos.Server.Requests.Count(r => r.Request.Operation == "ReadItem");

        var started = DateTimeOffset.UtcNow;
        var read = await container.ReadItemAsync<Doc>("a", new PartitionKey("p1"), cancellationToken: Ct);

        Assert.Equal(1, read.Resource.N);
        var reads = cosmos.Server.Requests.Where(r => r.Request.Operation == "ReadItem").Skip(before).Select(r => r.StatusCode).ToList();
        Assert.Equal([429, 429, 200], reads);
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(100), "the SDK waited the retry-after twice");
    }

    [Fact]
    public async Task A_request_throttled_beyond_the_sdk_retry_budget_fails_with_429_and_its_retry_after()
    {
        await using var cosmos = await LocalCosmos.StartAsync(maxRetries: 1);
        var container = await cosmos.ContainerAsync();
        cosmos.Server.Faults.Add(CosmosFault.Throttle(TimeSpan.FromMilliseconds(30), times: 5, when: r => r.Operation == "CreateItem"));

        var throttled = await Assert.ThrowsAsync<CosmosException>(() => container.CreateItemAsync(new Doc("a", "p1", 1), new PartitionKey("p1"), cancellationToken: Ct));

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromMilliseconds(30), throttled.RetryAfter);
        Assert.Equal(2, cosmos.Server.Requests.Count(r => r.Request.Operation == "CreateItem"));
    }

    [Fact]
    public async Task A_slow_response_is_served_after_its_delay()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        await container.CreateItemAsync(new Doc("a", "p1", 1), new PartitionKey("p1"), cancellationToken: Ct);
        cosmos.Server.Faults.Add(CosmosFault.Slow(TimeSpan.FromMilliseconds(300), times: 1, when: r => r.Operation == "ReadItem"));

        var started = System.Diagnostics.Stopwatch.StartNew();
        await container.ReadItemAsync<Doc>("a", new PartitionKey("p1"), cancellationToken: Ct);

        // Timers may fire a tick early against the clock read here; an undelayed read takes a few ms.
        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(250), $"served after {started.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task A_service_unavailable_answer_reaches_the_caller_when_it_persists()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var container = await cosmos.ContainerAsync();
        cosmos.Server.Faults.Add(CosmosFault.Unavailable(times: int.MaxValue, when: r => r.Operation == "ReplaceItem"));

        using var response = await container.ReplaceItemStreamAsync(new MemoryStream("{\"id\":\"a\",\"pk\":\"p1\"}"u8.ToArray()), "a", new PartitionKey("p1"), cancellationToken: Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task An_item_with_a_time_to_live_expires_and_one_without_stays_in_a_container_with_ttl_on()
    {
        await using var cosmos = await LocalCosmos.StartAsync();
        var database = (await cosmos.Client.CreateDatabaseIfNotExistsAsync("db", cancellationToken: Ct)).Database;
        var container = (await database.CreateContainerIfNotExistsAsync(new ContainerProperties("ttl", "/pk") { DefaultTimeToLive = -1 }, cancellationToken: Ct)).Container;
        await container.CreateItemAsync(new { id = "short", pk = "p", ttl = 1 }, new PartitionKey("p"), cancellationToken: Ct);
        await container.CreateItemAsync(new { id = "forever", pk = "p" }, new PartitionKey("p"), cancellationToken: Ct);

        // Expiry is measured in whole seconds of _ts: wait (bounded) until the short-lived item is gone.
        await CartOrders.Server.Tests.Fixtures.Eventually.TrueAsync(
            async () =>
            {
                using var read = await container.ReadItemStreamAsync("short", new PartitionKey("p"), cancellationToken: Ct);
                Assert.True(read.StatusCode is HttpStatusCode.OK or HttpStatusCode.NotFound, $"read answered {read.StatusCode}");
                return read.StatusCode == HttpStatusCode.NotFound;
            },
            TimeSpan.FromSeconds(10),
            because: "an item with ttl 1 should expire within seconds");
        using var kept = await container.ReadItemStreamAsync("forever", new PartitionKey("p"), cancellationToken: Ct);
        Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
    }
}
