using CartOrders.Api.Http;
using CartOrders.Server.Realtime;
using CartOrders.Server.WebClient;

namespace CartOrders.Server.Hosting;

public static class ServerHosting
{
    /// <summary>
    /// Kestrel refuses bodies over the API's limit on its own too; on shutdown, requests in
    /// flight get up to 15 s to finish while the pumps finish their batch and save checkpoints,
    /// and the container then disposes the store (the SQLite writer drains its queue).
    /// </summary>
    public static WebApplicationBuilder AddServerHosting(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = RequestBodies.MaxBytes);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(15));
        return builder;
    }

    /// <summary>
    /// The middleware order matters: problems for anything thrown or left without a body, and for
    /// the hub's own transport errors; the web client's files before routing (so its fallback never
    /// shadows a file), CORS (so a preflight needs no token), then identity, then the per-user rate
    /// limit that needs the identity.
    /// </summary>
    public static WebApplication UseCartOrdersPipeline(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseWebSockets();
        app.UseHubErrorsAsProblems();
        app.UseWebClientFiles();
        app.UseRouting();
        app.UseCors();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }
}
