using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Server.Tests;

// The suites whose outcome depends on the store, run again with the server on Store:Provider=Cosmos
// (a local Cosmos server, or the endpoint COSMOS_CONNECTION_STRING names). The rest of the API
// (authentication, validation, OpenAPI, CORS, rate limits) does not reach the store differently.

public sealed class CartsApiOnCosmosTests(CosmosServerFixture server) : CartsApiTests(server);

public sealed class OrdersApiOnCosmosTests(CosmosServerFixture server) : OrdersApiTests(server);

public sealed class RealtimeOnCosmosTests(CosmosServerFixture server) : RealtimeTests(server);

public sealed class IdempotencyOnCosmosTests(CosmosServerFixture server) : IdempotencyTests(server);

public sealed class ConcurrencyOnCosmosTests(CosmosServerFixture server) : ConcurrencyTests(server);

public sealed class ConditionalRequestOnCosmosTests(CosmosServerFixture server) : ConditionalRequestTests(server);

public sealed class HealthOnCosmosTests(CosmosServerFixture server)
{
    [Fact]
    public async Task Health_reports_the_cosmos_store_and_the_projection_lag_catching_up()
    {
        var alice = await server.UserAsync("alice");
        await alice.CreateCartAsync();
        using var anonymous = server.Anonymous();

        await Eventually.TrueAsync(async () =>
        {
            using var response = await anonymous.GetAsync("/api/health", TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            var health = await response.JsonAsync();
            Assert.Equal("healthy", health.GetProperty("status").GetString());
            Assert.Equal("cosmos", health.GetProperty("store").GetString());
            return health.GetProperty("projectionLag").GetInt64() == 0;
        });
    }
}
