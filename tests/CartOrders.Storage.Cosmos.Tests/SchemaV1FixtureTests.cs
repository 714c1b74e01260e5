using System.Text.Json;
using CartOrders.Testing;
using Microsoft.Azure.Cosmos;

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

/// <summary>
/// The same documents written as they are into a Cosmos database (the local Cosmos server, or the
/// endpoint COSMOS_CONNECTION_STRING names), then read, projected, published and extended through
/// the real adapter: its event store, tips and views.
/// </summary>
public sealed class SchemaV1FixtureOnCosmosTests(CosmosContractDatabase fixture) : IClassFixture<CosmosContractDatabase>
{
    [Fact]
    public async Task Documents_written_with_decimal_money_stored_in_Cosmos_load_project_publish_and_take_new_commands_through_the_adapter()
    {
        var ct = TestContext.Current.CancellationToken;
        using var documents = JsonDocument.Parse(await File.ReadAllBytesAsync(SchemaV1Fixture.CosmosDocumentsPath, ct));
        foreach (var item in documents.RootElement.EnumerateArray())
        {
            using var content = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(item));
            using var created = await fixture.Database.Events.CreateItemStreamAsync(content, new PartitionKey(item.GetProperty("streamId").GetString()), cancellationToken: ct);
            Assert.True(created.IsSuccessStatusCode, $"{created.StatusCode} storing {item.GetProperty("streamId")}/{item.GetProperty("id")}");
        }

        var store = new CosmosEventStore(fixture.Database, fixture.Requests);
        Assert.EndsWith(".v1", (await store.ReadSnapshotAsync(SchemaV1Fixture.CartStreams[0], ct))?.Schema, StringComparison.Ordinal);
        await SchemaV1Fixture.VerifyAsync(store, new CosmosViewStore(fixture.Database, fixture.Requests), ct);
    }
}
