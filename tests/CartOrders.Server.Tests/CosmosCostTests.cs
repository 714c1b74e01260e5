extern alias LocalCosmos;

using CartOrders.Server.Tests.Fixtures;
using LocalCosmos::CartOrders.CosmosServer;
using static CartOrders.Server.Tests.Fixtures.ApiUser;

namespace CartOrders.Server.Tests;

/// <summary>
/// What a command costs on Cosmos, counted in round trips by the local Cosmos server's request log,
/// through the real host: Cosmos bills request units, and those follow from round trips and bytes.
/// </summary>
public sealed class CosmosCostTests
{
    // The targets are at most one point read and one batch on a warm stream (no query), at most three
    // round trips on a cold one. The store does better: the tip's ETag comes back with each batch and
    // with each load, so a warm append is the batch alone and a cold one the load's tip read and the batch.

    [Fact]
    public async Task Adding_an_item_to_a_warm_stream_is_one_batch_and_nothing_else()
    {
        await using var host = await CosmosHost.StartAsync();
        var alice = await host.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 1);
        await host.CaughtUpAsync();

        var trips = await host.RoundTripsAsync($"cart-{cartId}", () => alice.AddItemAsync(cartId, Filter, 1));

        Assert.True(trips is [{ Request.Operation: "Batch", StatusCode: 200 }], Describe(trips));
    }

    [Fact]
    public async Task Adding_an_item_to_a_cold_stream_on_another_instance_is_one_point_read_and_one_batch()
    {
        await using var host = await CosmosHost.StartAsync();
        var alice = await host.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 1);
        await using var other = host.AnotherInstance();
        var there = alice.On(other);

        await host.CaughtUpAsync();
        var cold = await host.RoundTripsAsync($"cart-{cartId}", () => there.AddItemAsync(cartId, Filter, 1));

        // The first instance's projector loads the stream for the event just written there.
        await host.CaughtUpAsync();
        var warm = await host.RoundTripsAsync($"cart-{cartId}", () => there.AddItemAsync(cartId, Espresso, 1));

        Assert.True(cold is [{ Request.Operation: "ReadItem", StatusCode: 200 }, { Request.Operation: "Batch", StatusCode: 200 }], Describe(cold));
        Assert.True(warm is [{ Request.Operation: "Batch", StatusCode: 200 }], Describe(warm));
    }

    [Fact]
    public async Task A_stale_remembered_state_costs_a_conflict_and_a_reload_never_a_lost_write()
    {
        await using var host = await CosmosHost.StartAsync();
        var alice = await host.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 1);
        await using var other = host.AnotherInstance();
        var there = alice.On(other);
        await there.AddItemAsync(cartId, Filter, 1);

        // The first instance still remembers version 2 and its tip's ETag: its append conflicts, then it reloads.
        var after = await alice.AddItemAsync(cartId, Filter, 2);

        Assert.Equal(4, after.GetProperty("version").GetInt64());
        var filter = after.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("productId").GetString() == Filter);
        Assert.Equal(3, filter.GetProperty("quantity").GetInt32());
    }

    private static string Describe(IReadOnlyList<CosmosRequestRecord> trips) =>
        $"{trips.Count} round trips: {string.Join(", ", trips.Select(r => $"{r.Request.Operation} {r.Request.Path} {r.StatusCode}"))}";
}
