using CartOrders.Server.Tests.Fixtures;

namespace CartOrders.Server.Tests;

/// <summary>
/// A wrong store configuration stops the server at start. The process prints what to change as one
/// line and exits 1: StartupFailureTests in the reliability suite run it and read that line.
/// </summary>
public sealed class StartupTests
{
    [Fact]
    public async Task An_unknown_store_provider_refuses_to_start()
    {
        await using var factory = new ServerFactory(new Dictionary<string, string?> { ["Store:Provider"] = "Postgres" });

        var error = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(error);
    }

    [Fact]
    public async Task The_cosmos_store_without_an_account_refuses_to_start()
    {
        await using var factory = new ServerFactory(new Dictionary<string, string?> { ["Store:Provider"] = "Cosmos" });

        var error = Record.Exception(() => factory.CreateClient());

        Assert.NotNull(error);
    }
}
