namespace CartOrders.Server.Hosting;

public static class CrossOrigin
{
    public const string AllowedOriginsKey = "Cors:AllowedOrigins";

    /// <summary>
    /// The web client served by this server needs no CORS. A client served elsewhere (a dev server
    /// on another port, a static file server) is allowed by listing its origin in
    /// <c>Cors:AllowedOrigins</c>, with the headers the contract uses exposed. Credentials (cookies)
    /// are not allowed, as in Azure (infra/app/api.bicep): callers send bearer tokens, and the web
    /// client's SignalR connection is made without credentials.
    /// </summary>
    public static WebApplicationBuilder AddCrossOrigin(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var origins = builder.Configuration.GetSection(AllowedOriginsKey).Get<string[]>() ?? [];
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins)
                    .AllowAnyHeader()
                    .AllowAnyMethod()
                    .WithExposedHeaders("ETag", "Location", "Retry-After", "WWW-Authenticate");
            }
        }));
        return builder;
    }
}
