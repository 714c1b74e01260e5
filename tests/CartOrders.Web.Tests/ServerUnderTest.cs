using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Web.Tests;

/// <summary>
/// The real local server, in-process on Kestrel at a free loopback port, with its store and
/// data in a temporary folder. It serves the built web client (copied next to the tests as
/// wwwroot/ by the server project's build) and the API on one origin, as in development.
/// </summary>
internal sealed class ServerUnderTest : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;
    private readonly DirectoryInfo _data;

    private ServerUnderTest(WebApplicationFactory<Program> factory, DirectoryInfo data, Uri baseAddress)
    {
        _factory = factory;
        _data = data;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static Task<ServerUnderTest> StartAsync()
    {
        var data = Directory.CreateTempSubdirectory("cartorders-web-tests-");
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host => host
            .UseEnvironment("Development")
            .UseSetting("DataFolder", data.FullName)
            .UseSetting("Sqlite:Path", Path.Combine(data.FullName, "cartorders.db"))
            .UseSetting("Sqlite:Durability", "Normal")
            .UseSetting("Auth:DevelopmentTokens", "true")
            .UseSetting("Logging:LogLevel:Default", "Warning"));
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();

        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        return Task.FromResult(new ServerUnderTest(factory, data, new Uri(address)));
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            _data.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder left behind is harmless.
        }
    }
}
