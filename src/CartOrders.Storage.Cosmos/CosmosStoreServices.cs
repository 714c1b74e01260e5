using CartOrders.Application.Ports;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CartOrders.Storage.Cosmos;

public static class CosmosStoreServices
{
    /// <summary>
    /// Every storage port on Azure Cosmos DB for NoSQL (section <c>Cosmos</c>: ConnectionString or
    /// AccountEndpoint, DatabaseName, CreateIfNotExists, EventsContainer, ViewsContainer,
    /// LeasesContainer, IdempotencyTtl, RetiredSubscriptions, SweepInterval, Emulator, ...). The options are validated when the host
    /// starts, and the database and containers are created (or checked) before it serves.
    /// </summary>
    public static IServiceCollection AddCosmosStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CosmosStoreOptions>()
            .Bind(configuration.GetSection(CosmosStoreOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CosmosStoreOptions>, CosmosStoreOptionsValidator>());
        services.AddSingleton<CosmosRequests>();
        services.AddSingleton<CosmosDatabase>();
        services.AddSingleton<IEventStore, CosmosEventStore>();
        services.AddSingleton<IEventFeed, CosmosEventFeed>();
        services.AddSingleton<ICheckpointStore, CosmosCheckpointStore>();
        services.AddSingleton<CosmosViewStore>();
        services.AddSingleton<IViewStore>(sp => sp.GetRequiredService<CosmosViewStore>());
        services.AddSingleton<IViewGenerations>(sp => sp.GetRequiredService<CosmosViewStore>());
        services.AddSingleton<IParkedEventStore, CosmosParkedEventStore>();
        services.AddHostedService<CosmosStoreInitializer>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<CosmosRetention>();
        services.AddHostedService(provider => provider.GetRequiredService<CosmosRetention>());
        return services;
    }
}

/// <summary>Creates or checks the database and containers when the host starts, so a misconfiguration stops it there.</summary>
internal sealed class CosmosStoreInitializer(CosmosDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.ReadyAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
