using CartOrders.Server.Tests.Fixtures;

[assembly: AssemblyFixture(typeof(ServerFixture))]
[assembly: AssemblyFixture(typeof(CosmosServerFixture))]
