using CartOrders.Api.Health;
using CartOrders.Storage.Cosmos;
using CartOrders.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Functions.Hosting;

/// <summary>
/// Chooses the store by <c>Store:Provider</c>: <c>Cosmos</c> (the app setting in Azure) or <c>Sqlite</c>
/// (one embedded file, for local runs and tests). There is no default: a function app that silently
/// kept its events in a file on an instance's disk would lose them, so a missing or unknown
/// provider stops the start.
/// </summary>
public static class StoreSelection
{
    public const string ProviderKey = "Store:Provider";
    public const string Cosmos = "Cosmos";
    public const string Sqlite = "Sqlite";

    public static IServiceCollection AddCartOrdersStore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration[ProviderKey];
        if (string.Equals(provider, Cosmos, StringComparison.OrdinalIgnoreCase))
        {
            services.AddCosmosStore(configuration);
            services.Configure<HealthOptions>(o => o.Store = "cosmos");
            return services;
        }

        if (string.Equals(provider, Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            services.AddSqliteStore(configuration);
            services.Configure<HealthOptions>(o => o.Store = "sqlite");
            return services;
        }

        throw new InvalidOperationException($"{ProviderKey} must be '{Cosmos}' or '{Sqlite}' (it is '{provider}').");
    }
}
