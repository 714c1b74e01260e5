using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Server.Tests;

/// <summary>A wrong store configuration stops the server at start, with a message saying what to change.</summary>
public sealed class StartupTests
{
    [Fact]
    public async Task An_unknown_store_provider_refuses_to_start()
    {
        await using var factory = new ServerFactory(new Dictionary<string, string?> { ["Store:Provider"] = "Postgres" });

        var error = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("Store:Provider 'Postgres' is not a known store", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_cosmos_store_without_an_account_refuses_to_start()
    {
        await using var factory = new ServerFactory(new Dictionary<string, string?> { ["Store:Provider"] = "Cosmos" });

        var error = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(error);
        Assert.Contains("Cosmos: set Cosmos:ConnectionString", error.ToString(), StringComparison.Ordinal);
    }
}
