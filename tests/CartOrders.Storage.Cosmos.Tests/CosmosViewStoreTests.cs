using System.Text;
using System.Text.Json;
using CartOrders.Application.Ports;
using CartOrders.Testing;
using Microsoft.Azure.Cosmos;

namespace CartOrders.Storage.Cosmos.Tests;

/// <summary>
/// What the Cosmos view store does beyond the store contract: the keys it refuses, the generations it
/// drops, views written before createdAt existed, the operation names its requests are counted under,
/// and a database that is not there yet.
/// </summary>
public sealed class CosmosViewStoreTests(CosmosContractDatabase fixture) : IClassFixture<CosmosContractDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_view_kind_with_the_id_separator_or_the_generation_mark_and_an_empty_kind_or_id_are_refused()
    {
        var views = new CosmosViewStore(fixture.Database, fixture.Requests);

        var dash = await Assert.ThrowsAsync<ArgumentException>(() => views.GetAsync("cart-line", "c1", 1, Ct));
        Assert.Equal("A view kind cannot contain '-': 'cart-line'. (Parameter 'kind')", dash.Message);
        var at = await Assert.ThrowsAsync<ArgumentException>(() => views.GetAsync("cart@2", "c1", 1, Ct));
        Assert.Equal("A view kind cannot contain '@': 'cart@2'. (Parameter 'kind')", at.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => views.GetAsync(string.Empty, "c1", 1, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => views.GetAsync("cart", string.Empty, 1, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => views.GetAsync("cart", "c1", 0, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => views.UpsertAsync(null!, 1, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => views.TrySaveAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => views.UpsertAsync(View("cart-line", Guid.NewGuid().ToString("N"), 1), 1, Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a continuation")]
    [InlineData("[{\"token\":\"x\",\"range\":{\"min\":\"\",\"max\":\"FF\"}}]")]
    public async Task A_view_list_refuses_a_continuation_it_did_not_hand_out(string after)
    {
        var views = new CosmosViewStore(fixture.Database, fixture.Requests);

        var member = await Assert.ThrowsAsync<InvalidContinuationException>(() => views.ListForMemberAsync("cart", "alice", new PageRequest(10, after), Ct));
        var status = await Assert.ThrowsAsync<InvalidContinuationException>(() => views.ListByStatusAsync("cart", "open", DateTimeOffset.UtcNow, new PageRequest(10, after), Ct));

        string[] reasons = after.Length == 0 ? ["An empty continuation."] : ["The store refused the continuation.", "The store could not read the continuation."];
        Assert.Contains(member.Message, reasons);
        Assert.Contains(status.Message, reasons);
    }

    [Fact]
    public async Task A_page_read_needs_a_container_a_mapping_and_a_way_to_run_requests()
    {
        var query = new QueryDefinition("SELECT * FROM c");
        var first = PageRequest.First(10);

        await Assert.ThrowsAsync<ArgumentNullException>(() => CosmosPaging.ReadPageAsync<ViewItem, ViewItem>(null!, query, first, v => v, fixture.Requests, "list-views", Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => CosmosPaging.ReadPageAsync<ViewItem, ViewItem>(fixture.Database.Views, query, first, null!, fixture.Requests, "list-views", Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => CosmosPaging.ReadPageAsync<ViewItem, ViewItem>(fixture.Database.Views, query, first, v => v, null!, "list-views", Ct));
    }

    [Fact]
    public async Task Dropping_a_generation_removes_its_views_only_and_the_live_one_cannot_be_dropped()
    {
        var views = new CosmosViewStore(fixture.Database, fixture.Requests);
        var id = Guid.NewGuid().ToString("N");
        var live = (await views.ReadAsync(Ct)).Live;
        int[] others = [.. Enumerable.Range(live + 1, 3)];
        foreach (var generation in others.Prepend(live))
        {
            Assert.True(await views.UpsertAsync(View("cart", id, generation), generation, Ct));
        }

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => views.DropAsync(live, Ct));
        Assert.Equal($"Generation {live} of the views is live; it cannot be dropped.", refused.Message);
        await views.DropAsync(others[1], Ct);

        Assert.Null(await views.GetAsync("cart", id, others[1], Ct));
        foreach (var generation in others.Where(g => g != others[1]).Prepend(live))
        {
            Assert.Equal(generation, (await views.GetAsync("cart", id, generation, Ct))?.Version);
        }
    }

    [Fact]
    public async Task A_view_written_before_created_times_existed_takes_its_last_update_as_its_creation_on_its_next_write()
    {
        var views = new CosmosViewStore(fixture.Database, fixture.Requests);
        var id = Guid.NewGuid().ToString("N");
        var updated = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var legacy = ViewItem.From(View("cart", id, 1) with { UpdatedAt = updated }) with { CreatedAt = null };
        await fixture.Database.Views.CreateItemStreamAsync(new MemoryStream(CosmosJson.Serialize(legacy)), new PartitionKey(legacy.Pk), cancellationToken: Ct);

        Assert.True(await views.UpsertAsync(View("cart", id, 2), 1, Ct));

        Assert.Equal(updated, (await ReadItemAsync(legacy.Id)).CreatedAt);
        Assert.True(await views.UpsertAsync(View("cart", id, 3), 1, Ct));
        Assert.Equal(updated, (await ReadItemAsync(legacy.Id)).CreatedAt);
    }

    [Fact]
    public async Task Clearing_removes_the_views_of_every_generation()
    {
        await using var own = fixture.Own();
        var views = new CosmosViewStore(own.Database, fixture.Requests);
        var id = Guid.NewGuid().ToString("N");
        Assert.True(await views.UpsertAsync(View("cart", id, 1), 1, Ct));
        Assert.True(await views.UpsertAsync(View("order", id, 1), 2, Ct));

        await views.ClearAsync(Ct);

        Assert.Null(await views.GetAsync("cart", id, 1, Ct));
        Assert.Null(await views.GetAsync("order", id, 2, Ct));
        await views.ClearAsync(Ct);
    }

    [Fact]
    public async Task Each_view_call_is_logged_and_counted_under_its_own_operation_name()
    {
        var log = new CapturingLogger<CosmosRequests>();
        var views = new CosmosViewStore(fixture.Database, CosmosContractDatabase.RequestsLoggingTo(log));
        var id = Guid.NewGuid().ToString("N");
        var generations = await views.ReadAsync(Ct);
        var spare = generations.Highest + 100;
        var after = log.Entries.Count;

        await views.GetAsync("cart", id, 1, Ct);
        await views.UpsertAsync(View("cart", id, 1), 1, Ct);
        await views.UpsertAsync(View("cart", id, 2), 1, Ct);
        await views.ListForMemberAsync("cart", "nobody-" + id, PageRequest.First(5), Ct);
        await views.ListByStatusAsync("cart", "open-" + id, DateTimeOffset.UtcNow, PageRequest.First(5), Ct);
        await views.TrySaveAsync(generations with { LiveVersion = generations.LiveVersion + 1 }, Ct);
        await views.DropAsync(spare, Ct);

        var named = log.Entries.Skip(after).Select(e => ((string)e.Values["Operation"]!, (string)e.Values["Container"]!)).ToList();
        (string, string)[] expected =
            [
                ("read-view", "views"),
                ("read-view", "views"), ("create-view", "views"),
                ("read-view", "views"), ("replace-view", "views"),
                ("read-view-generations", "leases"), ("list-views", "views"),
                ("read-view-generations", "leases"), ("list-views-by-status", "views"),
                (generations.ETag is null ? "create-view-generations" : "replace-view-generations", "leases"),
                ("read-view-generations", "leases"), ("list-views", "views"),
            ];

        // The drop lists the generation's views page by page (one page per physical range at least).
        Assert.Equal(expected, named.Take(expected.Length));
        Assert.All(named.Skip(expected.Length), n => Assert.Equal(("list-views", "views"), n));
        var saved = await views.ReadAsync(Ct);
        Assert.True(await views.TrySaveAsync(saved with { LiveVersion = saved.LiveVersion + 1 }, Ct));
        Assert.Equal(("replace-view-generations", "leases"), ((string)log.Entries[^1].Values["Operation"]!, (string)log.Entries[^1].Values["Container"]!));
    }

    [Fact]
    public async Task Every_view_call_on_a_database_not_created_yet_creates_it_first()
    {
        var calls = new Func<CosmosViewStore, Task>[]
        {
            views => views.GetAsync("cart", "c1", 1, Ct),
            views => views.UpsertAsync(View("cart", "c1", 1), 2, Ct),
            views => views.ReadAsync(Ct),
            views => views.TrySaveAsync(ViewGenerationState.Initial, Ct),
            views => views.ClearAsync(Ct),
        };

        foreach (var call in calls)
        {
            await using var own = fixture.Own();

            await call(new CosmosViewStore(own.Database, fixture.Requests));

            var created = await own.Database.Views.ReadContainerAsync(cancellationToken: Ct);
            Assert.Equal("/pk", created.Resource.PartitionKeyPath);
        }
    }

    [Fact]
    public async Task A_fresh_database_saves_its_first_generations_and_holds_the_upserted_view()
    {
        await using var own = fixture.Own();
        var views = new CosmosViewStore(own.Database, fixture.Requests);

        Assert.True(await views.TrySaveAsync(ViewGenerationState.Initial with { LiveVersion = 3 }, Ct));
        Assert.Equal(3, (await views.ReadAsync(Ct)).LiveVersion);
        Assert.True(await views.UpsertAsync(View("cart", "c1", 1), 2, Ct));
        Assert.Equal(1, (await views.GetAsync("cart", "c1", 2, Ct))?.Version);
    }

    private static ViewDocument View(string kind, string id, long version) =>
        new(kind, id, version, ["alice"], Encoding.UTF8.GetBytes("{\"status\":\"open\"}"), DateTimeOffset.UtcNow);

    private async Task<ViewItem> ReadItemAsync(string id)
    {
        using var response = await fixture.Database.Views.ReadItemStreamAsync(id, new PartitionKey(id), cancellationToken: Ct);
        response.EnsureSuccessStatusCode();
        return await JsonSerializer.DeserializeAsync<ViewItem>(response.Content, CosmosJson.Options, Ct) ?? throw new JsonException("null view");
    }
}
