using CartOrders.Application.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CartOrders.Storage.Sqlite;

public static class SqliteStoreServices
{
    /// <summary>Every storage port on one SQLite file (section <c>Sqlite</c>: Path, Durability, WriterCacheMegabytes).</summary>
    public static IServiceCollection AddSqliteStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SqliteStoreOptions>()
            .Bind(configuration.GetSection(SqliteStoreOptions.Section))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), "Sqlite:Path must name the database file.")
            .Validate(o => o.WriterCacheMegabytes is >= 1 and <= 4096, "Sqlite:WriterCacheMegabytes must be between 1 and 4096.")
            .ValidateOnStart();
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<SqliteEventStore>();
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddSingleton<IEventFeed>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddSingleton<ICheckpointStore, SqliteCheckpointStore>();
        services.AddSingleton<IViewStore, SqliteViewStore>();
        services.AddSingleton<IParkedEventStore, SqliteParkedEventStore>();
        return services;
    }
}
