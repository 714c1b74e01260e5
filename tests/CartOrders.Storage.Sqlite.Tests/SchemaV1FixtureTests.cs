using CartOrders.Application.Ports;
using CartOrders.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite.Tests;

/// <summary>The embedded store written by the release with money as decimals still works (tests/fixtures/schema-v1).</summary>
public sealed class SchemaV1FixtureTests
{
    [Fact]
    public Task A_database_written_with_decimal_money_loads_projects_publishes_and_takes_new_commands() =>
        OnACopyAsync(async database =>
        {
            var store = new SqliteEventStore(database);
            var views = new SqliteViewStore(database);
            foreach (var ((kind, id), expected) in SchemaV1Fixture.ExpectedViews())
            {
                // The views the release left behind are still served as they were.
                var stored = await views.GetAsync(kind, id, TestContext.Current.CancellationToken);
                SchemaV1Fixture.AssertSameJson(expected, System.Text.Json.Nodes.JsonNode.Parse(stored!.Json.Span)!);
            }

            await SchemaV1Fixture.VerifyAsync(store, views, TestContext.Current.CancellationToken);
        });

    [Fact]
    public Task Views_written_before_they_had_a_creation_time_are_listed_by_their_last_update_and_keep_that_place() =>
        OnACopyAsync(async database =>
        {
            var views = new SqliteViewStore(database);
            var ct = TestContext.Current.CancellationToken;
            string[] newestFirst = ["fixture-cart-3", "fixture-cart-2", "fixture-cart-1"];
            Assert.Equal(newestFirst, (await views.ListForMemberAsync("cart", "alice", PageRequest.First(50), ct)).Items.Select(v => v.Id));

            var oldest = (await views.GetAsync("cart", "fixture-cart-1", ct))!;
            Assert.True(await views.UpsertAsync(oldest with { Version = oldest.Version + 1, UpdatedAt = DateTimeOffset.UtcNow }, ct));
            Assert.Equal(newestFirst, (await views.ListForMemberAsync("cart", "alice", PageRequest.First(50), ct)).Items.Select(v => v.Id));
        });

    private static async Task OnACopyAsync(Func<SqliteDatabase, Task> test)
    {
        var folder = Directory.CreateTempSubdirectory("cartorders-v1-");
        var path = Path.Combine(folder.FullName, "store.db");
        File.Copy(SchemaV1Fixture.SqlitePath, path);
        var database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = path }), NullLogger<SqliteDatabase>.Instance);
        try
        {
            await test(database);
        }
        finally
        {
            await database.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
