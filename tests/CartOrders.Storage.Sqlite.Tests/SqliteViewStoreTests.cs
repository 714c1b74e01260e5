using System.Text;
using CartOrders.Application.Ports;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite.Tests;

/// <summary>What the SQLite view store refuses, beyond the store contract: kinds it cannot store, generations that do not exist, positions it did not hand out.</summary>
public sealed class SqliteViewStoreTests : IAsyncDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cartorders-views-");
    private readonly SqliteDatabase _database;
    private readonly SqliteViewStore _views;

    public SqliteViewStoreTests()
    {
        _database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = Path.Combine(_folder.FullName, "store.db") }), NullLogger<SqliteDatabase>.Instance);
        _views = new SqliteViewStore(_database);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_kind_holding_the_generation_separator_is_refused_everywhere()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _views.GetAsync("cart@2", "x", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _views.GetAsync("cart@2", "x", 2, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _views.UpsertAsync(View("cart@2", "x", 1), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _views.UpsertAsync(View("cart@2", "x", 1), 2, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _views.ListForMemberAsync("cart@2", "alice", PageRequest.First(10), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => _views.ListByStatusAsync("cart@2", "open", DateTimeOffset.UtcNow, PageRequest.First(10), Ct));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task Generations_count_from_1(int generation)
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _views.UpsertAsync(View("cart", "x", 1), generation, Ct));
        Assert.Equal("generation", error.ParamName);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _views.GetAsync("cart", "x", generation, Ct));
    }

    [Fact]
    public async Task Generation_1_is_the_kind_as_stored_before_generations_existed_and_2_is_kept_apart()
    {
        Assert.True(await _views.UpsertAsync(View("cart", "x", 1), 1, Ct));
        Assert.True(await _views.UpsertAsync(View("cart", "x", 5), 2, Ct));

        Assert.Equal(1, (await _views.GetAsync("cart", "x", Ct))?.Version);
        Assert.Equal(1, (await _views.GetAsync("cart", "x", 1, Ct))?.Version);
        Assert.Equal(5, (await _views.GetAsync("cart", "x", 2, Ct))?.Version);
        Assert.Null(await _views.GetAsync("cart", "x", 3, Ct));
    }

    [Theory]
    [InlineData("")]
    [InlineData("12")]
    [InlineData(":abc")]
    [InlineData("-5:abc")]
    [InlineData("x1:abc")]
    public async Task A_list_position_the_store_did_not_hand_out_is_refused(string after)
    {
        await Assert.ThrowsAsync<InvalidContinuationException>(() => _views.ListForMemberAsync("cart", "alice", new PageRequest(10, after), Ct));
        await Assert.ThrowsAsync<InvalidContinuationException>(() => _views.ListByStatusAsync("cart", "open", DateTimeOffset.UtcNow, new PageRequest(10, after), Ct));
    }

    [Fact]
    public async Task A_member_named_twice_is_listed_once_and_a_view_updated_at_the_cutoff_is_not_idle()
    {
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
        Assert.True(await _views.UpsertAsync(View("cart", "a", 1, ["alice", "alice", "bob"], at), Ct));
        Assert.True(await _views.UpsertAsync(View("cart", "b", 1, ["alice"], at.AddSeconds(1)), Ct));

        var listed = await _views.ListForMemberAsync("cart", "alice", PageRequest.First(10), Ct);
        Assert.Equal(["b", "a"], listed.Items.Select(v => v.Id));
        Assert.Equal(["alice", "bob"], (await _views.GetAsync("cart", "a", Ct))!.Members.Order(StringComparer.Ordinal));

        var idle = await _views.ListByStatusAsync("cart", "open", at.AddSeconds(1), PageRequest.First(10), Ct);
        Assert.Equal(["a"], idle.Items.Select(v => v.Id));
        Assert.Equal(["alice", "bob"], idle.Items[0].Members.Order(StringComparer.Ordinal));
        Assert.Empty((await _views.ListByStatusAsync("cart", "closed", at.AddDays(1), PageRequest.First(10), Ct)).Items);
    }

    [Fact]
    public async Task Saving_the_generations_against_an_entity_tag_the_store_never_gave_changes_nothing()
    {
        var initial = await _views.ReadAsync(Ct);
        Assert.Equal(ViewGenerationState.Initial, initial);
        Assert.True(await _views.TrySaveAsync(initial with { LiveVersion = 3 }, Ct));
        var saved = await _views.ReadAsync(Ct);
        Assert.Equal("1", saved.ETag);

        Assert.False(await _views.TrySaveAsync(saved with { LiveVersion = 4, ETag = "one" }, Ct));
        Assert.False(await _views.TrySaveAsync(saved with { LiveVersion = 4, ETag = "2" }, Ct));
        Assert.Equal(3, (await _views.ReadAsync(Ct)).LiveVersion);

        Assert.True(await _views.TrySaveAsync(saved with { LiveVersion = 4 }, Ct));
        Assert.Equal(("2", 4), ((await _views.ReadAsync(Ct)).ETag, (await _views.ReadAsync(Ct)).LiveVersion));
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private static ViewDocument View(string kind, string id, long version, string[]? members = null, DateTimeOffset? at = null) =>
        new(kind, id, version, members ?? ["alice"], Encoding.UTF8.GetBytes("{\"status\":\"open\"}"), at ?? DateTimeOffset.UtcNow);
}
