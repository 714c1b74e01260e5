using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CartOrders.Web.Tests;

/// <summary>
/// The built web client (wwwroot/ next to the tests) served as static files from an origin of its
/// own, as the Static Web App serves it in Azure, with the <c>config.json</c> a deployment writes
/// (<see cref="ConfigJson"/>) in place of the built one.
/// </summary>
internal sealed class StaticWebHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StaticWebHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    /// <summary>What <c>/config.json</c> answers.</summary>
    public string ConfigJson { get; set; } = "{}";

    public static async Task<StaticWebHost> StartAsync()
    {
        var webRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");
        if (!File.Exists(Path.Combine(webRoot, "index.html")))
        {
            Assert.Fail($"The built web client is missing in {webRoot}: building the server project builds it.");
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, WebRootPath = webRoot });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var app = builder.Build();
        StaticWebHost? host = null;
        app.MapGet("/config.json", () => Results.Text(host!.ConfigJson, "application/json"));
        app.UseDefaultFiles();
        app.UseStaticFiles();
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        host = new StaticWebHost(app, new Uri(address));
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
