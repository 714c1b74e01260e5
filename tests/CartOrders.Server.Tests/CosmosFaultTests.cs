extern alias LocalCosmos;

using System.Net;
using CartOrders.Server.Tests.Fixtures;
using LocalCosmos::CartOrders.CosmosServer;
using static CartOrders.Server.Tests.Fixtures.ApiUser;

namespace CartOrders.Server.Tests;

/// <summary>
/// What a client sees when Cosmos throttles, fails or stalls, through the real host on a local Cosmos
/// server that injects the faults: a retried success, or a 503 problem with Retry-After; never a 500,
/// and never part of a command written.
/// </summary>
public sealed class CosmosFaultTests
{
    private static readonly Func<CosmosRequest, bool> Batches = r => r.Operation == "Batch";
    private static readonly Func<CosmosRequest, bool> TipReads = r => r.Operation == "ReadItem" && r.Path.EndsWith("/docs/tip", StringComparison.Ordinal);

    [Fact]
    public async Task A_few_429s_are_retried_by_the_sdk_and_the_command_succeeds()
    {
        await using var host = await CosmosHost.StartAsync();
        var alice = await host.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        host.Cosmos.Faults.Add(CosmosFault.Throttle(TimeSpan.FromMilliseconds(20), times: 2, when: Batches));

        var added = await alice.AddItemAsync(cartId, Espresso, 2);

        Assert.Equal(2, added.GetProperty("version").GetInt64());
        Assert.Equal(2, host.EventsRequests.Count(r => r.Request.Operation == "Batch" && r.StatusCode == 429));
    }

    [Theory]
    [InlineData("throttled append")]
    [InlineData("throttled load")]
    [InlineData("unavailable append")]
    [InlineData("unavailable load")]
    [InlineData("timed-out append")]
    public async Task A_fault_the_sdk_gives_up_on_is_503_with_retry_after_and_writes_nothing(string fault)
    {
        await using var host = await CosmosHost.StartAsync(new Dictionary<string, string?>
        {
            ["Cosmos:MaxRetryAttemptsOnRateLimitedRequests"] = "1",
            ["Cosmos:RequestTimeout"] = "00:00:01",
        });
        var alice = await host.UserAsync("alice");
        var cartId = await alice.CreateCartAsync();
        await alice.AddItemAsync(cartId, Espresso, 1);
        var bob = await host.UserAsync("bob");
        var other = await bob.CreateCartAsync();
        await bob.AddItemAsync(other, Espresso, 1);
        host.Cosmos.Faults.Add(fault switch
        {
            "throttled append" => CosmosFault.Throttle(TimeSpan.FromMilliseconds(1500), times: int.MaxValue, when: Batches),
            "throttled load" => CosmosFault.Throttle(TimeSpan.FromMilliseconds(1500), times: int.MaxValue, when: TipReads),
            "unavailable append" => CosmosFault.Unavailable(times: int.MaxValue, when: Batches),
            "unavailable load" => CosmosFault.Unavailable(times: int.MaxValue, when: TipReads),
            _ => CosmosFault.Slow(TimeSpan.FromSeconds(3), when: Batches),
        });

        // A command on a stream its instance remembers does not load it: a load fault needs another instance.
        await using var instance = fault.EndsWith("load", StringComparison.Ordinal) ? host.AnotherInstance() : null;
        var sender = instance is null ? alice : alice.On(instance);
        using var response = await sender.PostAsync($"/api/carts/{cartId}/items", new { productId = Filter, quantity = 1 });

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "store-busy");
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {response.Headers.RetryAfter}");
        host.Cosmos.Faults.Clear();
        await Eventually.TrueAsync(async () =>
        {
            // A timed-out batch may still land later; what it must never be is half of one.
            using var events = await alice.GetAsync($"/api/carts/{cartId}/events");
            var count = (await events.JsonAsync()).GetArrayLength();
            Assert.True(count is 2 or 3, $"{count} events");
            using var cart = await alice.GetAsync($"/api/carts/{cartId}");
            var view = await cart.JsonAsync();
            return view.GetProperty("version").GetInt64() == count && view.GetProperty("items").GetArrayLength() == count - 1;
        });
        var after = await bob.AddItemAsync(other, Filter, 1);
        Assert.Equal(3, after.GetProperty("version").GetInt64());
    }
}
