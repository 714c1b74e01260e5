using System.Text.Json;
using CartOrders.Testing;

namespace CartOrders.Storage.Cosmos.Tests;

/// <summary>
/// The Cosmos documents written by the release with money as decimals (tests/fixtures/schema-v1)
/// still read: through the adapter's own document types, then every check of the fixture.
/// </summary>
public sealed class SchemaV1FixtureTests
{
    [Fact]
    public async Task Documents_written_with_decimal_money_load_project_publish_and_take_new_commands()
    {
        using var documents = JsonDocument.Parse(await File.ReadAllBytesAsync(SchemaV1Fixture.CosmosDocumentsPath, TestContext.Current.CancellationToken));
        var items = documents.RootElement.EnumerateArray().ToList();
        var events = items.Where(i => i.GetProperty("kind").GetString() == ItemKinds.Event)
            .Select(i => i.Deserialize<EventItem>(CosmosJson.Options)!.ToStoredEvent())
            .ToList();
        var snapshots = items.Where(i => i.GetProperty("kind").GetString() == ItemKinds.Tip)
            .Select(i => i.Deserialize<TipItem>(CosmosJson.Options)!.ToSnapshot()!)
            .ToList();
        Assert.Equal(36, events.Count);
        Assert.All(snapshots, s => Assert.EndsWith(".v1", s.Schema, StringComparison.Ordinal));

        var store = new InMemoryStore();
        store.Load(events, snapshots);
        await SchemaV1Fixture.VerifyAsync(store, store, TestContext.Current.CancellationToken);
    }
}
