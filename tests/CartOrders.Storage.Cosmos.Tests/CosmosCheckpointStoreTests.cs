using CartOrders.Testing;

namespace CartOrders.Storage.Cosmos.Tests;

/// <summary>
/// What the Cosmos checkpoint store refuses beyond the store contract: subscription names that
/// cannot key a Cosmos item, and a conditional save against a checkpoint that is not there.
/// </summary>
public sealed class CosmosCheckpointStoreTests(CosmosContractDatabase fixture) : IClassFixture<CosmosContractDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/projector")]
    [InlineData("pro/jector")]
    [InlineData("pro\\jector")]
    [InlineData("pro?jector")]
    [InlineData("projector#2")]
    public async Task A_subscription_name_with_a_character_Cosmos_ids_cannot_hold_is_refused(string subscription)
    {
        var store = Store();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => store.LoadAsync(subscription, Ct));
        Assert.Equal($"The subscription name '{subscription}' cannot key a Cosmos item: at most 244 characters, none of '/', '\\', '?', '#'. (Parameter 'subscription')", error.Message);
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAsync(subscription, "1", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.TrySaveAsync(subscription, "1", null, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAsync(subscription, Ct));
    }

    [Fact]
    public async Task A_subscription_name_of_244_characters_keys_a_checkpoint_and_one_of_245_or_none_is_refused()
    {
        var store = Store();
        var longest = Guid.NewGuid().ToString("N") + new string('s', 244 - 32);

        await store.SaveAsync(longest, "17", Ct);

        Assert.Equal("17", await store.LoadAsync(longest, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.LoadAsync(longest + "s", Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.LoadAsync(string.Empty, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.SaveAsync("projector", null!, Ct));
        await Assert.ThrowsAsync<ArgumentNullException>(() => store.TrySaveAsync("projector", null!, null, Ct));
    }

    [Fact]
    public async Task A_conditional_save_of_a_checkpoint_that_is_not_there_is_refused_and_stores_nothing()
    {
        var store = Store();
        var subscription = "missing-" + Guid.NewGuid().ToString("N");

        Assert.False(await store.TrySaveAsync(subscription, "5", "\"00000000-0000-0000-0000-000000000000\"", Ct));

        Assert.Null(await store.LoadAsync(subscription, Ct));
        Assert.Null(await store.ReadAsync(subscription, Ct));
    }

    [Fact]
    public async Task Each_checkpoint_call_is_logged_and_counted_under_its_own_operation_name()
    {
        var log = new CapturingLogger<CosmosRequests>();
        var store = new CosmosCheckpointStore(fixture.Database, CosmosContractDatabase.RequestsLoggingTo(log));
        var subscription = "named-" + Guid.NewGuid().ToString("N");

        await store.LoadAsync(subscription, Ct);
        Assert.True(await store.TrySaveAsync(subscription, "1", null, Ct));
        var read = await store.ReadAsync(subscription, Ct);
        Assert.True(await store.TrySaveAsync(subscription, "2", read!.Version, Ct));
        await store.SaveAsync(subscription, "3", Ct);

        Assert.Equal(["read-checkpoint", "create-checkpoint", "read-checkpoint", "replace-checkpoint", "save-checkpoint"], log.Entries.Select(e => e.Values.GetValueOrDefault("Operation")).OfType<string>());
    }

    private CosmosCheckpointStore Store() => new(fixture.Database, fixture.Requests);
}
