using CartOrders.Api.Health;
using CartOrders.Storage.Cosmos;
using CartOrders.Storage.Sqlite;

namespace CartOrders.Server;

/// <summary>
/// Chooses the store by <c>Store:Provider</c>: <c>Sqlite</c> (the default, one embedded file,
/// section <c>Sqlite</c>) or <c>Cosmos</c> (Azure Cosmos DB, section <c>Cosmos</c>). An unknown
/// provider stops the start-up.
/// </summary>
public static class StoreServices
{
    public const string ProviderKey = "Store:Provider";
    public const string Sqlite = "Sqlite";
    public const string Cosmos = "Cosmos";

    public static WebApplicationBuilder AddCartOrdersStore(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var provider = builder.Configuration[ProviderKey] is { Length: > 0 } configured ? configured : Sqlite;
        if (string.Equals(provider, Sqlite, StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddSqliteStore(builder.Configuration);
        }
        else if (string.Equals(provider, Cosmos, StringComparison.OrdinalIgnoreCase))
        {
            builder.Services.AddCosmosStore(builder.Configuration);
        }
        else
        {
            throw new InvalidOperationException($"{ProviderKey} '{provider}' is not a known store; use '{Sqlite}' or '{Cosmos}'.");
        }

        builder.Services.Configure<HealthOptions>(o => o.Store = provider.ToLowerInvariant());
        return builder;
    }
}
