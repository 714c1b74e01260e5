using CartOrders.Api.Health;
using CartOrders.Application;
using CartOrders.Application.Projections;
using CartOrders.Storage.Sqlite;

namespace CartOrders.Server;

/// <summary>
/// Chooses the store by <c>Store:Provider</c>: <c>Sqlite</c> (the default, one embedded file) or,
/// once its adapter is referenced, <c>Cosmos</c>. An unknown provider stops the start-up.
/// </summary>
public static class StoreServices
{
    public const string ProviderKey = "Store:Provider";
    public const string Sqlite = "Sqlite";

    public static WebApplicationBuilder AddCartOrdersStore(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var provider = builder.Configuration[ProviderKey] is { Length: > 0 } configured ? configured : Sqlite;
        if (string.Equals(provider, Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSqliteStore(builder.Configuration);
            builder.Services.Configure<HealthOptions>(o => o.Store = "sqlite");
            return builder;
        }

        // The Cosmos adapter plugs in here: builder.Services.AddCosmosStore(builder.Configuration).
        throw new InvalidOperationException($"{ProviderKey} '{provider}' is not a known store; use '{Sqlite}'.");
    }

    /// <summary>The feed subscriptions of this host: views (and pushes) and order placement.</summary>
    public static IServiceCollection AddFeedPumps(this IServiceCollection services)
    {
        services.AddFeedPump<Projector>();
        services.AddFeedPump<OrderPlacement>();
        return services;
    }
}
