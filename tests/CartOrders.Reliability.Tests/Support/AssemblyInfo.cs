using CartOrders.Server.Tests.Fixtures;

[assembly: AssemblyFixture(typeof(ServerFixture))]
