using CartOrders.Testing;

namespace CartOrders.Storage.Cosmos.Tests;

/// <summary>The parked-event contract on a Cosmos endpoint (the emulator, an account, or the local Cosmos server), in the contract's database.</summary>
public sealed class CosmosParkedEventStoreTests(CosmosContractDatabase fixture) : ParkedEventStoreContract, IClassFixture<CosmosContractDatabase>
{
    protected override Task<ParkingUnderTest> CreateParkingAsync() =>
        Task.FromResult(new ParkingUnderTest(new CosmosParkedEventStore(fixture.Database, fixture.Requests), () => ValueTask.CompletedTask));
}
