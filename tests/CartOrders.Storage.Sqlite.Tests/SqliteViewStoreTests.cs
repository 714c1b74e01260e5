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
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _views.GetAsync("cart@2", "x", Ct));
        Assert.Equal("A view kind cannot contain '@': 'cart@2'. (Parameter 'kind')", error.Message);
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
        Assert.StartsWith("Generations count from 1.", error.Message, StringComparison.Ordinal);
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
        var error = await Assert.ThrowsAsync<InvalidContinuationException>(() => _views.ListForMemberAsync("cart", "alice", new PageRequest(10, after), Ct));
        Assert.Equal("Not a view list position.", error.Message);
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

    [Fact]
    public async Task A_page_holding_exactly_the_last_views_has_no_next()
    {
        Assert.True(await _views.UpsertAsync(View("cart", "a", 1), Ct));
        Assert.True(await _views.UpsertAsync(View("cart", "b", 1), Ct));

        var page = await _views.ListForMemberAsync("cart", "alice", PageRequest.First(2), Ct);
        Assert.Equal(2, page.Items.Count);
        Assert.Null(page.Next);
        var idle = await _views.ListByStatusAsync("cart", "open", DateTimeOffset.UtcNow.AddMinutes(1), PageRequest.First(2), Ct);
        Assert.Equal(2, idle.Items.Count);
        Assert.Null(idle.Next);
    }

    [Fact]
    public async Task Clearing_removes_every_view_and_its_members()
    {
        Assert.True(await _views.UpsertAsync(View("cart", "a", 1), Ct));
        Assert.True(await _views.UpsertAsync(View("order", "b", 1), Ct));

        await _views.ClearAsync(Ct);

        Assert.Null(await _views.GetAsync("cart", "a", Ct));
        Assert.Null(await _views.GetAsync("order", "b", Ct));
        Assert.Equal(0L, Count("view_members"));
        Assert.True(await _views.UpsertAsync(View("cart", "a", 1), Ct));
    }

    [Fact]
    public async Task Dropping_a_generation_that_is_not_live_deletes_all_of_its_views_and_members_and_nothing_of_the_others()
    {
        await Task.WhenAll(Enumerable.Range(0, 1_200).Select(n => _views.UpsertAsync(View("cart", $"v{n}", 1), 2, Ct)));
        Assert.True(await _views.UpsertAsync(View("cart", "live", 1), Ct));
        Assert.True(await _views.UpsertAsync(View("cart", "third", 1), 3, Ct));

        await _views.DropAsync(2, Ct);

        Assert.Equal(0L, Count("views WHERE kind = 'cart@2'"));
        Assert.Equal(0L, Count("view_members WHERE kind = 'cart@2'"));
        Assert.NotNull(await _views.GetAsync("cart", "live", Ct));
        Assert.NotNull(await _views.GetAsync("cart", "third", 3, Ct));
        Assert.Single((await _views.ListForMemberAsync("cart", "alice", PageRequest.First(10), Ct)).Items);
    }

    [Fact]
    public async Task The_live_generation_cannot_be_dropped()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => _views.DropAsync(1, Ct));

        Assert.Equal("Generation 1 of the views is live; it cannot be dropped.", error.Message);
    }

    [Fact]
    public async Task Stored_generations_that_read_as_nothing_are_reported_as_bad_data()
    {
        await _database.Writer.WriteAsync(statements => statements.Execute("INSERT INTO view_generations (id, live, state, revision) VALUES (1, 1, 'null', 1)"), Ct);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => _views.ReadAsync(Ct));
        Assert.Equal("The stored view generations are empty.", error.Message);
    }

    [Fact]
    public async Task Null_documents_and_states_are_refused()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => _views.UpsertAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => _views.UpsertAsync(null!, 2, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => _views.TrySaveAsync(null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => new SqliteCheckpointStore(_database).TrySaveAsync("s", null!, null, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => new SqliteParkedEventStore(_database).ParkedStreamsAsync("s", null!, Ct));
        Assert.Throws<ArgumentNullException>(() => new SqliteDatabase(null!, NullLogger<SqliteDatabase>.Instance));
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
    }

    private long Count(string from)
    {
        using var read = _database.OpenRead();
        using var command = read.Connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM " + from;
        return (long)command.ExecuteScalar()!;
    }

    private static ViewDocument View(string kind, string id, long version, string[]? members = null, DateTimeOffset? at = null) =>
        new(kind, id, version, members ?? ["alice"], Encoding.UTF8.GetBytes("{\"status\":\"open\"}"), at ?? DateTimeOffset.UtcNow);
}
