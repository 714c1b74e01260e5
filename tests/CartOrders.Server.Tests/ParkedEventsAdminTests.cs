using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CartOrders.Application.Feed;
using CartOrders.Application.Integration;
using CartOrders.Server.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Server.Tests;

/// <summary>
/// GET /api/admin/parked and POST /api/admin/parked/replay through the real host: a broker that
/// refuses one cart's events for good parks that stream in the integration publisher's
/// subscription while the other carts' events go out; the operator lists it, a replay while the
/// cause remains reports the failure and keeps it parked, a replay after the fix publishes it once
/// and releases the stream.
/// </summary>
public sealed class ParkedEventsAdminTests
{
    private static readonly string[] Subscriptions = ["projector", "order-placement", "integration-publisher"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_operator_lists_parked_events_and_replays_them_once_the_cause_is_fixed()
    {
        var broker = new RefusingBroker();
        await using var factory = new ServerFactory(services: s => s.AddSingleton<IIntegrationPublisher>(broker));
        var alice = await ApiUser.CreateAsync(factory, "alice");
        var ops = await ApiUser.CreateAsync(factory, "ops", "operator");
        var bad = await alice.CreateCartAsync();
        var good = await alice.CreateCartAsync();
        broker.Refuse("cart-" + bad);
        foreach (var cart in new[] { bad, good })
        {
            await alice.AddItemAsync(cart);
            await alice.CheckOutAsync(cart);
        }

        JsonElement parked = default;
        await Eventually.TrueAsync(async () =>
        {
            using var list = await ops.GetAsync("/api/admin/parked?subscription=integration-publisher");
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            parked = await list.JsonAsync();
            return parked.GetArrayLength() > 0 && broker.Published("cart-" + good).Count > 0;
        });
        // The checkout is refused; the cart's earlier events (which publish nothing) are parked with it
        // when the publisher's batch held them too (batches form by timing), oldest first.
        var entries = parked.EnumerateArray().ToList();
        Assert.All(entries, e =>
        {
            Assert.Equal("integration-publisher", e.GetProperty("subscription").GetString());
            Assert.Equal("cart-" + bad, e.GetProperty("streamId").GetString());
            Assert.Contains("the broker refuses", e.GetProperty("reason").GetString(), StringComparison.Ordinal);
        });
        Assert.Equal(Enumerable.Range(4 - entries.Count, entries.Count).Select(v => (long)v), entries.Select(e => e.GetProperty("version").GetInt64()));
        var entry = entries[^1];
        Assert.Equal("CartCheckedOut.v2", entry.GetProperty("type").GetString());
        Assert.True(entry.GetProperty("parkedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.Empty(broker.Published("cart-" + bad));
        using (var others = await ops.GetAsync("/api/admin/parked?subscription=projector"))
        {
            Assert.Equal(0, (await others.JsonAsync()).GetArrayLength());
        }

        using (var health = await alice.GetAsync("/api/health"))
        {
            Assert.Equal("on", (await health.JsonAsync()).GetProperty("publishing").GetString());
        }

        // While the broker still refuses: reported, and still parked.
        using (var failed = await ops.PostAsync("/api/admin/parked/replay", new { subscription = "integration-publisher" }))
        {
            Assert.Equal(HttpStatusCode.OK, failed.StatusCode);
            var result = Assert.Single((await failed.JsonAsync()).GetProperty("results").EnumerateArray());
            Assert.Equal("cart-" + bad, result.GetProperty("streamId").GetString());
            Assert.False(result.GetProperty("succeeded").GetBoolean());
            Assert.Contains("the broker refuses", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        using (var still = await ops.GetAsync("/api/admin/parked"))
        {
            Assert.Equal(entries.Count, (await still.JsonAsync()).GetArrayLength());
        }

        // Fixed: published once, released.
        broker.Heal();
        using (var replayed = await ops.PostAsync("/api/admin/parked/replay", new { subscription = "integration-publisher" }))
        {
            Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
            var body = await replayed.JsonAsync();
            Assert.Equal("integration-publisher", body.GetProperty("subscription").GetString());
            var result = Assert.Single(body.GetProperty("results").EnumerateArray());
            Assert.True(result.GetProperty("succeeded").GetBoolean());
            Assert.Equal(entries.Count, result.GetProperty("events").GetInt32());
        }

        Assert.Equal(["CartOrders.CartCheckedOut.v1"], broker.Published("cart-" + bad).Select(e => e.Type));
        using (var empty = await ops.GetAsync("/api/admin/parked"))
        {
            Assert.Equal(0, (await empty.JsonAsync()).GetArrayLength());
        }

        using var again = await ops.PostAsync("/api/admin/parked/replay", new { subscription = "integration-publisher" });
        Assert.Equal(0, (await again.JsonAsync()).GetProperty("results").GetArrayLength());
        Assert.Single(broker.Published("cart-" + bad));
    }

    [Fact]
    public async Task Only_operators_may_list_or_replay_and_the_subscription_must_exist()
    {
        await using var factory = new ServerFactory();
        var alice = await ApiUser.CreateAsync(factory, "alice");
        var ops = await ApiUser.CreateAsync(factory, "ops", "operator");
        using var anonymous = factory.CreateClient();

        using (var response = await anonymous.GetAsync("/api/admin/parked", Ct))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }

        using (var response = await anonymous.PostAsync("/api/admin/parked/replay", ApiUser.Raw("""{"subscription":"projector"}"""), Ct))
        {
            await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        }

        using (var response = await alice.GetAsync("/api/admin/parked"))
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "operator-only");
            Assert.Equal("Only an operator may see or replay parked events.", problem.GetProperty("detail").GetString());
        }

        using (var response = await alice.GetAsync("/api/admin/parked?subscription=projector"))
        {
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "operator-only");
        }

        using (var response = await alice.PostAsync("/api/admin/parked/replay", new { subscription = "projector" }))
        {
            await response.AssertProblemAsync(HttpStatusCode.Forbidden, "operator-only");
        }

        foreach (var subscription in Subscriptions)
        {
            using var response = await ops.PostAsync("/api/admin/parked/replay", new { subscription });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(subscription, (await response.JsonAsync()).GetProperty("subscription").GetString());
        }

        using (var response = await ops.PostAsync("/api/admin/parked/replay", new { subscription = "nonsense" }))
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
            var error = Assert.Single(problem.GetProperty("errors").GetProperty("subscription").EnumerateArray()).GetString();
            Assert.StartsWith("Not a feed subscription of this host; one of: ", error, StringComparison.Ordinal);
            Assert.All(Subscriptions, name => Assert.Contains(name, error, StringComparison.Ordinal));
        }

        using (var response = await ops.PostAsync("/api/admin/parked/replay", new { }))
        {
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
            Assert.True(problem.GetProperty("errors").TryGetProperty("subscription", out _));
        }

        using (var response = await ops.PostAsync("/api/admin/parked/replay"))
        {
            await response.AssertBodyRequiredAsync();
        }

        using (var response = await ops.PostAsync("/api/admin/parked/replay", ApiUser.Raw("{")))
        {
            await response.AssertProblemAsync(HttpStatusCode.BadRequest, "malformed-json");
        }

        foreach (var query in new[] { "?subscription=nonsense", "?subscription=", "?subscription=projector&subscription=projector" })
        {
            using var response = await ops.GetAsync("/api/admin/parked" + query);
            var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "validation-failed");
            Assert.Equal("subscription must name one feed subscription of this host.", problem.GetProperty("detail").GetString());
            var error = Assert.Single(problem.GetProperty("errors").GetProperty("subscription").EnumerateArray()).GetString();
            Assert.StartsWith("One of: ", error, StringComparison.Ordinal);
            Assert.All(Subscriptions, name => Assert.Contains(name, error, StringComparison.Ordinal));
        }

        foreach (var subscription in Subscriptions)
        {
            using var response = await ops.GetAsync("/api/admin/parked?subscription=" + subscription);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(0, (await response.JsonAsync()).GetArrayLength());
        }
    }

    /// <summary>A broker that refuses the events of some streams for good (a permanent failure) until healed.</summary>
    private sealed class RefusingBroker : IIntegrationPublisher
    {
        private readonly ConcurrentDictionary<string, bool> _refused = new(StringComparer.Ordinal);
        private readonly ConcurrentQueue<IntegrationEvent> _published = new();

        public bool IsEnabled => true;

        public void Refuse(string streamId) => _refused[streamId] = true;

        public void Heal() => _refused.Clear();

        public IReadOnlyList<IntegrationEvent> Published(string streamId) => [.. _published.Where(e => e.StreamId == streamId)];

        public Task<PublishResult> PublishAsync(IReadOnlyList<IntegrationEvent> events, CancellationToken cancellationToken = default)
        {
            if (events.FirstOrDefault(e => _refused.ContainsKey(e.StreamId)) is { } refused)
            {
                throw new PermanentFeedException($"the broker refuses {refused.StreamId}");
            }

            foreach (var e in events)
            {
                _published.Enqueue(e);
            }

            return Task.FromResult(PublishResult.AllOf(events.Count));
        }
    }
}
