using System.Net;
using CartOrders.Api.Health;
using CartOrders.Application.Ports;
using CartOrders.Server.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Server.Tests;

public sealed class HealthTests(ServerFixture server)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_reports_the_store_publishing_and_the_projection_lag_catching_up()
    {
        var alice = await server.UserAsync("alice");
        await alice.CreateCartAsync();
        using var anonymous = server.Anonymous();

        await Eventually.TrueAsync(async () =>
        {
            using var response = await anonymous.GetAsync("/api/health", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var health = await response.JsonAsync();
            Assert.Equal("healthy", health.GetProperty("status").GetString());
            Assert.Equal("sqlite", health.GetProperty("store").GetString());
            Assert.Equal("off", health.GetProperty("publishing").GetString());
            return health.GetProperty("projectionLag").GetInt64() == 0;
        });
    }

    [Fact]
    public async Task Health_is_503_store_unreachable_when_the_store_fails()
    {
        await using var factory = WithStore(new UnreachableStore(hangs: false));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/health", Ct);

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "store-unreachable");
    }

    [Fact]
    public async Task Health_is_503_store_unreachable_when_the_store_does_not_answer_in_time()
    {
        await using var factory = WithStore(new UnreachableStore(hangs: true));
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/api/health", Ct);

        await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "store-unreachable");
    }

    private static ServerFactory WithStore(IEventStore store) =>
        new(services: services =>
        {
            services.AddSingleton(store);
            services.Configure<HealthOptions>(o => o.ProbeTimeout = TimeSpan.FromMilliseconds(300));
        });

    /// <summary>A store that fails every read, or never answers.</summary>
    private sealed class UnreachableStore(bool hangs) : IEventStore
    {
        public Task<AppendResult> AppendAsync(AppendRequest request, CancellationToken cancellationToken = default) => FailAsync<AppendResult>(cancellationToken);

        public Task<IReadOnlyList<StoredEvent>> ReadStreamAsync(string streamId, long fromVersion = 1, long toVersion = long.MaxValue, CancellationToken cancellationToken = default) =>
            FailAsync<IReadOnlyList<StoredEvent>>(cancellationToken);

        public Task<Snapshot?> ReadSnapshotAsync(string streamId, CancellationToken cancellationToken = default) => FailAsync<Snapshot?>(cancellationToken);

        public Task<IdempotencyRecord?> FindIdempotencyAsync(string streamId, string key, CancellationToken cancellationToken = default) =>
            FailAsync<IdempotencyRecord?>(cancellationToken);

        private async Task<T> FailAsync<T>(CancellationToken cancellationToken)
        {
            if (hangs)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            throw new IOException("The store is unreachable.");
        }
    }
}
