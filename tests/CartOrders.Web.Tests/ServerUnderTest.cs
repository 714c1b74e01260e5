using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
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

    private ServerUnderTest(WebApplicationFactory<Program> factory, DirectoryInfo data, Uri baseAddress, ShiftedClock clock)
    {
        _factory = factory;
        _data = data;
        BaseAddress = baseAddress;
        Clock = clock;
    }

    public Uri BaseAddress { get; }

    /// <summary>The server's clock: real time, plus whatever a test moved it on by.</summary>
    public ShiftedClock Clock { get; }

    /// <param name="settings">configuration on top of the defaults, e.g. a short <c>Abandonment:IdleFor</c></param>
    public static Task<ServerUnderTest> StartAsync(params (string Key, string Value)[] settings) => StartAsync(_ => { }, settings);

    /// <param name="services">services on top of the server's, e.g. how it trusts a test identity provider</param>
    /// <param name="settings">configuration on top of the defaults</param>
    public static Task<ServerUnderTest> StartAsync(Action<IServiceCollection> services, params (string Key, string Value)[] settings)
    {
        var data = Directory.CreateTempSubdirectory("cartorders-web-tests-");
        var clock = new ShiftedClock();
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development")
                .UseSetting("DataFolder", data.FullName)
                .UseSetting("Sqlite:Path", Path.Combine(data.FullName, "cartorders.db"))
                .UseSetting("Sqlite:Durability", "Normal")
                .UseSetting("Auth:DevelopmentTokens", "true")
                .UseSetting("Logging:LogLevel:Default", "Warning");
            foreach (var (key, value) in settings)
            {
                host.UseSetting(key, value);
            }

            host.ConfigureTestServices(collection =>
            {
                collection.AddSingleton<TimeProvider>(clock);
                services(collection);
            });
        });
        factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        factory.StartServer();

        var address = factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        return Task.FromResult(new ServerUnderTest(factory, data, new Uri(address), clock));
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

/// <summary>
/// The system clock moved on by <see cref="Offset"/>: the server's "now" (events, idle checks) jumps
/// ahead while its timers keep real time, so a test can make a cart old without waiting.
/// </summary>
internal sealed class ShiftedClock : TimeProvider
{
    private long _offsetTicks;

    public TimeSpan Offset
    {
        get => TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
        set => Interlocked.Exchange(ref _offsetTicks, value.Ticks);
    }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}
