using Microsoft.Extensions.FileProviders;

namespace CartOrders.Server.WebClient;

/// <summary>
/// The web client (src/CartOrders.Web, built by this project's build into <c>wwwroot/</c> next to
/// the server's binaries; <c>WebClient:Root</c> points elsewhere). <c>/</c> serves its index.html;
/// other paths without a file extension outside <c>/api</c> fall back to index.html for the
/// client's own routes. Until the client is built, <c>/</c> serves a placeholder page.
/// </summary>
public static class WebClientFiles
{
    public const string RootKey = "WebClient:Root";

    public static string Root(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Configuration[RootKey] is { Length: > 0 } configured
            ? Path.GetFullPath(configured)
            : Path.Combine(AppContext.BaseDirectory, "wwwroot");
    }

    public static bool IsBuilt(WebApplication app) => File.Exists(Path.Combine(Root(app), "index.html"));

    public static WebApplication UseWebClientFiles(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (IsBuilt(app))
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
        if (IsBuilt(app))
        {
            // Not an endpoint: a GET-only fallback endpoint would make every other method on an
            // unknown /api path a 405 instead of a 404. This runs after routing found nothing.
            var index = Files(app).GetFileInfo("index.html");
            app.Use(async (context, next) =>
            {
                var request = context.Request;
                if (context.GetEndpoint() is null
                    && (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
                    && !request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
                    && !Path.HasExtension(request.Path.Value))
                {
                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.SendFileAsync(index, context.RequestAborted);
                    return;
                }

                await next(context);
            });
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
        var files = new PhysicalFileProvider(Root(app));
        app.Lifetime.ApplicationStopped.Register(files.Dispose);
        return files;
    }
}
