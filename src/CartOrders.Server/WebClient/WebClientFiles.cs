using Microsoft.Extensions.FileProviders;

namespace CartOrders.Server.WebClient;

/// <summary>
/// The web client (src/CartOrders.Web, built by this project's build into <c>wwwroot/</c> next to
/// the server's binaries). <c>/</c> serves its index.html; other paths without a file extension
/// outside <c>/api</c> fall back to index.html for the client's own routes.
/// </summary>
public static class WebClientFiles
{
    public static string Root { get; } = Path.Combine(AppContext.BaseDirectory, "wwwroot");

    public static bool IsBuilt => File.Exists(Path.Combine(Root, "index.html"));

    public static WebApplication UseWebClientFiles(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (IsBuilt)
        {
            var files = Files(app);
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = files });
        }

        return app;
    }

    public static WebApplication MapWebClient(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (IsBuilt)
        {
            app.MapFallbackToFile("{*path:nonfile:regex(^(?!api(/|$)))}", "index.html", new StaticFileOptions { FileProvider = Files(app) });
        }
        else
        {
            app.MapGet("/", () => TypedResults.Content(Placeholder, "text/html; charset=utf-8")).ExcludeFromDescription();
        }

        return app;
    }

    private const string Placeholder = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>CartOrders</title></head>
        <body><h1>CartOrders</h1><p>The API is running under <a href="/openapi/v1.json">/api</a>. The web client has not been built into this server.</p></body></html>
        """;

    private static PhysicalFileProvider Files(WebApplication app)
    {
        var files = new PhysicalFileProvider(Root);
        app.Lifetime.ApplicationStopped.Register(files.Dispose);
        return files;
    }
}
