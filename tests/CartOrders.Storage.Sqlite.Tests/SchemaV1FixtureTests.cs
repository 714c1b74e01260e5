using CartOrders.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Sqlite.Tests;

/// <summary>The embedded store written by the release with money as decimals still works (tests/fixtures/schema-v1).</summary>
public sealed class SchemaV1FixtureTests
{
    [Fact]
    public async Task A_database_written_with_decimal_money_loads_projects_publishes_and_takes_new_commands()
    {
        var folder = Directory.CreateTempSubdirectory("cartorders-v1-");
        var path = Path.Combine(folder.FullName, "store.db");
        File.Copy(SchemaV1Fixture.SqlitePath, path);
        var database = new SqliteDatabase(Options.Create(new SqliteStoreOptions { Path = path }), NullLogger<SqliteDatabase>.Instance);
        try
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
        }
        finally
        {
            await database.DisposeAsync();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}
