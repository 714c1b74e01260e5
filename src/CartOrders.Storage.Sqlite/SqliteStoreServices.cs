using CartOrders.Application.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

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
            .Validate(o => o.IdempotencyRetention >= TimeSpan.FromMinutes(1) && o.SweepInterval >= TimeSpan.FromSeconds(1), "Sqlite:IdempotencyRetention must be at least 1 minute and Sqlite:SweepInterval at least 1 second.")
            .ValidateOnStart();
        services.AddSingleton<SqliteDatabase>();
        services.AddSingleton<SqliteEventStore>();
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddSingleton<IEventFeed>(sp => sp.GetRequiredService<SqliteEventStore>());
        services.AddSingleton<ICheckpointStore, SqliteCheckpointStore>();
        services.AddSingleton<SqliteViewStore>();
        services.AddSingleton<IViewStore>(sp => sp.GetRequiredService<SqliteViewStore>());
        services.AddSingleton<IViewGenerations>(sp => sp.GetRequiredService<SqliteViewStore>());
        services.AddSingleton<IParkedEventStore, SqliteParkedEventStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SqliteRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<SqliteRetention>());
        return services;
    }
}
